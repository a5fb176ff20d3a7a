using System.Text.Json;
using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Hosting;
using LogoutEnricher.Signing;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Enrichment;

/// <summary>
/// Mints what the application receives: the provider's logout token with <c>adapterSessionIds</c> added and fresh
/// <c>jti</c>/<c>iat</c>/<c>exp</c>, or the legacy Keycloak <c>LogoutAction</c>. Each call mints anew, so every
/// delivery attempt carries a token of its own.
/// </summary>
internal sealed class EnrichedTokenFactory(SigningKeyProvider keys, IOptions<LogoutEnricherOptions> options, TimeProvider timeProvider)
{
    public const string AdapterSessionIdsClaim = "adapterSessionIds";
    public const string LogoutTokenType = "logout+jwt";

    private static readonly HashSet<string> MintedClaims = new(StringComparer.Ordinal) { "jti", "iat", "exp", AdapterSessionIdsClaim };

    public string CreateLogoutToken(JsonElement originalClaims, IReadOnlyList<string> appSessionIds)
    {
        var signing = options.Value.Signing;
        var now = timeProvider.GetUtcNow();
        var state = (originalClaims, appSessionIds, signing.Issuer, Now: now.ToUnixTimeSeconds(), Expires: (now + signing.TokenLifetime).ToUnixTimeSeconds());
        return JwsWriter.Write(keys.Current, LogoutTokenType, state, static (writer, s) =>
        {
            foreach (var claim in s.originalClaims.EnumerateObject())
            {
                // Unknown claims travel on untouched; only what is minted per delivery is replaced.
                if (MintedClaims.Contains(claim.Name) || (s.Issuer is not null && claim.NameEquals("iss")))
                {
                    continue;
                }

                claim.WriteTo(writer);
            }

            if (s.Issuer is not null)
            {
                writer.WriteString("iss", s.Issuer);
            }

            writer.WriteString("jti", Guid.NewGuid().ToString());
            writer.WriteNumber("iat", s.Now);
            writer.WriteNumber("exp", s.Expires);
            WriteStrings(writer, AdapterSessionIdsClaim, s.appSessionIds);
        });
    }

    /// <summary>
    /// Keycloak's <c>LogoutAction</c> (core/.../adapters/action/LogoutAction.java) as the old adapters verified it:
    /// <c>expiration</c> 30 s ahead, <c>resource</c> the client id, <c>action</c> LOGOUT.
    /// </summary>
    public string CreateLogoutAction(string clientId, string? keycloakSessionId, IReadOnlyList<string> appSessionIds)
    {
        var now = timeProvider.GetUtcNow();
        var state = (clientId, keycloakSessionId, appSessionIds, Now: now);
        return JwsWriter.Write(keys.Current, "JWT", state, static (writer, s) =>
        {
            writer.WriteString("id", $"{Guid.NewGuid()}-{s.Now.ToUnixTimeMilliseconds()}");
            writer.WriteNumber("expiration", s.Now.ToUnixTimeSeconds() + 30);
            writer.WriteString("resource", s.clientId);
            writer.WriteString("action", "LOGOUT");
            WriteStrings(writer, AdapterSessionIdsClaim, s.appSessionIds);
            writer.WriteNumber("notBefore", 0);
            WriteStrings(writer, "keycloakSessionIds", s.keycloakSessionId is null ? [] : [s.keycloakSessionId]);
        });
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
