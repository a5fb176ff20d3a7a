using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace LogoutEnricher.Signing;

/// <summary>Writes compact JWS strings (RFC 7515 §7.1) signed with a <see cref="SigningKey"/>.</summary>
internal static class JwsWriter
{
    /// <param name="type">The header <c>typ</c>.</param>
    /// <param name="writePayload">Writes the members of the payload object.</param>
    public static string Write<TState>(SigningKey key, string type, TState state, Action<Utf8JsonWriter, TState> writePayload)
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

        var payload = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writePayload(writer, state);
            writer.WriteEndObject();
        }

        var signingInput = Base64Url.EncodeToString(header.WrittenSpan) + "." + Base64Url.EncodeToString(payload.WrittenSpan);
        var signature = key.Sign(Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
