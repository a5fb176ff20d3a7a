using System.Net.Http.Headers;
using System.Text.Json;

namespace LogoutEnricher.Protocol.KeySets;

/// <summary>Builds the merged JWKS and its cache header from Keycloak's document and LogoutEnricher's own.</summary>
internal static class RealmKeySetDocument
{
    /// <summary>
    /// Keycloak's document with every member and key passed through byte for byte (<c>enc</c> keys, <c>x5c</c>, ...),
    /// then LogoutEnricher's keys appended. An own key whose <c>kid</c> Keycloak already uses is left out (and named
    /// in <paramref name="collisions"/>): a key set with two keys under one kid would make adapters pick either.
    /// </summary>
    public static byte[] Merge(string keycloakDocument, byte[] ownDocument, out IReadOnlyList<string> collisions)
    {
        using var keycloak = JsonDocument.Parse(keycloakDocument);
        using var own = JsonDocument.Parse(ownDocument);
        var keycloakKids = new HashSet<string>(StringComparer.Ordinal);
        var keycloakKeys = keycloak.RootElement.TryGetProperty("keys", out var keys) && keys.ValueKind == JsonValueKind.Array ? keys : default;
        if (keycloakKeys.ValueKind == JsonValueKind.Array)
        {
            foreach (var key in keycloakKeys.EnumerateArray())
            {
                if (key.ValueKind == JsonValueKind.Object && key.TryGetProperty("kid", out var kid) && kid.ValueKind == JsonValueKind.String)
                {
                    keycloakKids.Add(kid.GetString()!);
                }
            }
        }

        var dropped = new List<string>();
        using var buffer = new MemoryStream();
        // Note: the relaxed encoder writes what Keycloak wrote: the default one would turn every '+' of an x5c
        // certificate into \u002B (equal JSON, other bytes). Served as application/json, never into HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var member in keycloak.RootElement.EnumerateObject().Where(m => !m.NameEquals("keys")))
            {
                member.WriteTo(writer);
            }

            writer.WriteStartArray("keys");
            if (keycloakKeys.ValueKind == JsonValueKind.Array)
            {
                foreach (var key in keycloakKeys.EnumerateArray())
                {
                    key.WriteTo(writer);
                }
            }

            foreach (var key in own.RootElement.GetProperty("keys").EnumerateArray())
            {
                var kid = key.GetProperty("kid").GetString()!;
                if (keycloakKids.Contains(kid))
                {
                    dropped.Add(kid);
                    continue;
                }

                key.WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        collisions = dropped;
        return buffer.ToArray();
    }

    /// <summary>
    /// No longer than the shorter of the two sources: Keycloak's own header (no-store and no-cache pass through; a
    /// max-age counts from when the copy was fetched) and LogoutEnricher's max-age.
    /// </summary>
    public static string CacheControl(CacheControlHeaderValue? keycloak, TimeSpan copyAge, TimeSpan ownMaxAge)
    {
        if (keycloak is { NoStore: true })
        {
            return "no-store";
        }

        if (keycloak is { NoCache: true })
        {
            return "no-cache";
        }

        var maxAge = ownMaxAge;
        if (keycloak?.MaxAge is { } upstream)
        {
            var remaining = upstream - copyAge;
            maxAge = remaining < maxAge ? remaining : maxAge;
        }

        var seconds = Math.Max(0, (long)maxAge.TotalSeconds);
        return seconds == 0 ? "no-cache" : $"public, max-age={seconds}";
    }
}
