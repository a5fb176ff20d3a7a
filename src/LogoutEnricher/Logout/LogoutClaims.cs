using System.Text.Json;
using System.Text.Json.Nodes;
using LogoutEnricher.Providers;

namespace LogoutEnricher.Logout;

/// <summary>
/// The claims of a logout LogoutEnricher mints itself, shaped like Keycloak's logout token (same claims, same order),
/// so that an application cannot tell it from one Keycloak sent. Fresh <c>jti</c>/<c>iat</c>/<c>exp</c> are minted
/// again for every delivery attempt anyway.
/// </summary>
internal static class LogoutClaims
{
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    /// <param name="extra">Claims to add, e.g. <c>logout_reason</c>.</param>
    public static JsonElement Mint(ConfiguredClient client, string? sid, string? sub, DateTimeOffset now, IReadOnlyDictionary<string, JsonNode?>? extra = null)
    {
        var claims = new JsonObject
        {
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(2).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(),
            ["iss"] = client.Issuer,
            ["aud"] = client.ClientId,
        };
        if (!string.IsNullOrEmpty(sub))
        {
            claims["sub"] = sub;
        }

        claims["typ"] = "Logout";
        if (!string.IsNullOrEmpty(sid))
        {
            claims["sid"] = sid;
        }

        claims["events"] = new JsonObject { [BackChannelLogoutEvent] = new JsonObject() };
        foreach (var (name, value) in extra ?? new Dictionary<string, JsonNode?>())
        {
            claims[name] = value?.DeepClone();
        }

        return JsonSerializer.SerializeToElement(claims);
    }
}
