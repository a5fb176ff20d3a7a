using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace LogoutEnricher.Delivery.Signing;

/// <summary>Writes compact JWS strings (RFC 7515 §7.1) signed with a <see cref="SigningKey"/>.</summary>
internal static class JwsWriter
{
    // Note: the header depends only on the key and the type, so it is encoded once per pair rather than per token.
    private static readonly ConditionalWeakTable<SigningKey, ConcurrentDictionary<string, byte[]>> EncodedHeaders = new();

    /// <param name="type">The header <c>typ</c>.</param>
    /// <param name="writePayload">Writes the members of the payload object.</param>
    public static string Write<TState>(SigningKey key, string type, TState state, Action<Utf8JsonWriter, TState> writePayload)
    {
        var header = EncodedHeaders.GetValue(key, static _ => new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal))
            .GetOrAdd(type, static (typ, signingKey) => EncodeHeader(signingKey, typ), key);

        var payload = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writePayload(writer, state);
            writer.WriteEndObject();
        }

        // The signing input is built once, as ASCII bytes, and signed as is; the token string is made from it once.
        var signingInput = new byte[header.Length + 1 + Base64Url.GetEncodedLength(payload.WrittenCount)];
        header.CopyTo(signingInput, 0);
        signingInput[header.Length] = (byte)'.';
        Base64Url.EncodeToUtf8(payload.WrittenSpan, signingInput.AsSpan(header.Length + 1));
        var signature = key.Sign(signingInput);
        return string.Create(signingInput.Length + 1 + Base64Url.GetEncodedLength(signature.Length), (signingInput, signature), static (chars, parts) =>
        {
            Encoding.ASCII.GetChars(parts.signingInput, chars);
            chars[parts.signingInput.Length] = '.';
            Base64Url.EncodeToChars(parts.signature, chars[(parts.signingInput.Length + 1)..]);
        });
    }

    /// <summary>A payload member that is an array of strings (always written, empty when there are none).</summary>
    public static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static byte[] EncodeHeader(SigningKey key, string type)
    {
        var header = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(header))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", key.Algorithm);
            writer.WriteString("kid", key.KeyId);
            writer.WriteString("typ", type);
            writer.WriteEndObject();
        }

        return Encoding.ASCII.GetBytes(Base64Url.EncodeToString(header.WrittenSpan));
    }
}
