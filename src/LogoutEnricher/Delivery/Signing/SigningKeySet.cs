using System.Text.Json;

namespace LogoutEnricher.Delivery.Signing;

/// <summary>The key that signs and the JWKS document that publishes every current key, swapped as one.</summary>
internal sealed class SigningKeySet
{
    public SigningKeySet(SigningKey current, IReadOnlyList<SigningKey> published)
    {
        Current = current;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var key in published)
            {
                key.WritePublicJwk(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        Jwks = buffer.ToArray();
    }

    public SigningKey Current { get; }

    public byte[] Jwks { get; }
}
