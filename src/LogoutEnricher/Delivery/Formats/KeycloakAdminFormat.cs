using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LogoutEnricher.Delivery.Signing;
using LogoutEnricher.Logout;
using LogoutEnricher.Protocol.Providers;

namespace LogoutEnricher.Delivery.Formats;

/// <summary>
/// Keycloak's legacy Admin URL logout, for applications written for its old adapters: a signed <c>LogoutAction</c>
/// (core/.../adapters/action/LogoutAction.java) as the raw <c>text/plain</c> body of <c>{adminUrl}/k_logout</c>; the
/// applications find LogoutEnricher's key in the realm key set. Keycloak's own Admin URL actions (a sign-out-all's
/// notBefore <c>LogoutAction</c>, a <c>PushNotBeforeAction</c>) are forwarded as such, re-signed.
/// </summary>
internal sealed class KeycloakAdminFormat(SigningKeyProvider keys, TimeProvider timeProvider) : ILogoutFormat
{
    public LogoutFormat Format => LogoutFormat.KeycloakAdmin;

    public bool ForwardsAdminActions => true;

    public HttpRequestMessage CreateRequest(ConfiguredClient client, string url, DeliveryContent content)
    {
        var (suffix, body) = content.Action is { } action
            ? (action.PathSuffix, CreateAdminAction(client.ClientId, action))
            : ("/k_logout", CreateLogoutAction(client.ClientId, content.Sid, content.AppSessionIds, ReasonOf(content.Claims)));
        return new HttpRequestMessage(HttpMethod.Post, url.TrimEnd('/') + suffix)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("text/plain")),
        };
    }

    /// <summary>
    /// The per-session <c>LogoutAction</c> as the old adapters verify it: <c>expiration</c> 30 s ahead, <c>resource</c>
    /// the client id, <c>action</c> LOGOUT.
    /// </summary>
    /// <param name="reason">
    /// Why LogoutEnricher ended a session Keycloak never sent a logout for (<c>logout_reason</c>), or null. Note: an
    /// extra member; Keycloak's adapters read the LogoutAction with unknown properties ignored.
    /// </param>
    public string CreateLogoutAction(string clientId, string? keycloakSessionId, IReadOnlyList<string> appSessionIds, string? reason = null)
    {
        var state = (clientId, keycloakSessionId, appSessionIds, reason, Now: timeProvider.GetUtcNow());
        return JwsWriter.Write(keys.Current, "JWT", state, static (writer, s) =>
        {
            writer.WriteString("id", $"{Guid.NewGuid()}-{s.Now.ToUnixTimeMilliseconds()}");
            writer.WriteNumber("expiration", s.Now.ToUnixTimeSeconds() + 30);
            writer.WriteString("resource", s.clientId);
            writer.WriteString("action", KeycloakAdminAction.Logout);
            JwsWriter.WriteStrings(writer, BackChannelFormat.AdapterSessionIdsClaim, s.appSessionIds);
            writer.WriteNumber("notBefore", 0);
            JwsWriter.WriteStrings(writer, "keycloakSessionIds", s.keycloakSessionId is null ? [] : [s.keycloakSessionId]);
            if (s.reason is not null)
            {
                writer.WriteString(LogoutClaims.ReasonClaim, s.reason);
            }
        });
    }

    /// <summary>
    /// A notBefore <c>LogoutAction</c> or a <c>PushNotBeforeAction</c> with exactly the members Keycloak sends
    /// (<c>id</c>, <c>expiration</c>, <c>resource</c>, <c>action</c>, <c>notBefore</c>; no session id arrays), with a
    /// fresh <c>expiration</c> so that an attempt after a retry is not refused as expired.
    /// </summary>
    public string CreateAdminAction(string clientId, KeycloakAdminAction action)
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

    private static string? ReasonOf(JsonElement claims) =>
        claims.ValueKind == JsonValueKind.Object && claims.TryGetProperty(LogoutClaims.ReasonClaim, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
