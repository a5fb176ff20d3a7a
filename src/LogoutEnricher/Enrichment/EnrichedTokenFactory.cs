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
internal sealed class EnrichedTokenFactory(SigningKeyProvider keys, IOptions<SigningOptions> options, TimeProvider timeProvider)
{
    public const string AdapterSessionIdsClaim = "adapterSessionIds";
    public const string LogoutTokenType = "logout+jwt";

    private static readonly HashSet<string> MintedClaims = new(StringComparer.Ordinal) { "jti", "iat", "exp", AdapterSessionIdsClaim };

    public string CreateLogoutToken(JsonElement originalClaims, IReadOnlyList<string> appSessionIds)
    {
        var signing = options.Value;
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
    /// <param name="reason">
    /// Why LogoutEnricher ended a session Keycloak never sent a logout for (<c>logout_reason</c>), or null. Note: an
    /// extra member; Keycloak's adapters read the LogoutAction with unknown properties ignored.
    /// </param>
    public string CreateLogoutAction(string clientId, string? keycloakSessionId, IReadOnlyList<string> appSessionIds, string? reason = null)
    {
        var now = timeProvider.GetUtcNow();
        var state = (clientId, keycloakSessionId, appSessionIds, reason, Now: now);
        return JwsWriter.Write(keys.Current, "JWT", state, static (writer, s) =>
        {
            writer.WriteString("id", $"{Guid.NewGuid()}-{s.Now.ToUnixTimeMilliseconds()}");
            writer.WriteNumber("expiration", s.Now.ToUnixTimeSeconds() + 30);
            writer.WriteString("resource", s.clientId);
            writer.WriteString("action", "LOGOUT");
            WriteStrings(writer, AdapterSessionIdsClaim, s.appSessionIds);
            writer.WriteNumber("notBefore", 0);
            WriteStrings(writer, "keycloakSessionIds", s.keycloakSessionId is null ? [] : [s.keycloakSessionId]);
            if (s.reason is not null)
            {
                writer.WriteString("logout_reason", s.reason);
            }
        });
    }

    /// <summary>
    /// A notBefore <c>LogoutAction</c> or a <c>PushNotBeforeAction</c> with exactly the members Keycloak sends
    /// (<c>id</c>, <c>expiration</c>, <c>resource</c>, <c>action</c>, <c>notBefore</c>; no session id arrays), with a
    /// fresh <c>expiration</c> so that an attempt after a retry is not refused as expired.
    /// </summary>
    public string CreateAdminAction(string clientId, Delivery.KeycloakAdminAction action)
    {
        var state = (clientId, action, Now: timeProvider.GetUtcNow());
        return JwsWriter.Write(keys.Current, "JWT", state, static (writer, s) =>
        {
            writer.WriteString("id", s.action.Id);
            writer.WriteNumber("expiration", s.Now.ToUnixTimeSeconds() + 30);
            writer.WriteString("resource", s.clientId);
            writer.WriteString("action", s.action.Action);
            writer.WriteNumber("notBefore", s.action.NotBefore);
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
