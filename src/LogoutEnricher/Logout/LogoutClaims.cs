using System.Buffers;
using System.Text.Json;
using LogoutEnricher.Protocol.Providers;

namespace LogoutEnricher.Logout;

/// <summary>
/// The one minter of the claims of a logout LogoutEnricher starts itself (the admin API, a sign-out-all fan-out, an
/// Admin URL action, reconciliation): shaped like Keycloak's logout token (KEYCLOAK.md: <c>iss</c>, <c>aud</c> as a
/// plain string, <c>sub</c>, <c>typ</c> "Logout", <c>sid</c>, <c>events</c>), so that an application cannot tell it
/// from one Keycloak sent. <c>jti</c>/<c>iat</c>/<c>exp</c> are not here: every delivery attempt mints its own.
/// </summary>
internal static class LogoutClaims
{
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    /// <summary>Why LogoutEnricher ended a session Keycloak sent no complete logout for (see <c>LogoutReason</c>).</summary>
    public const string ReasonClaim = "logout_reason";

    /// <summary>Keycloak's <c>typ</c> claim of a logout token.</summary>
    public const string LogoutTokenTyp = "Logout";

    /// <param name="reason">The <c>logout_reason</c> claim, or null for none.</param>
    public static JsonElement Mint(ConfiguredClient client, string? sid, string? sub, string? reason = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", client.Issuer);
            writer.WriteString("aud", client.ClientId);
            if (!string.IsNullOrEmpty(sub))
            {
                writer.WriteString("sub", sub);
            }

            writer.WriteString("typ", LogoutTokenTyp);
            if (!string.IsNullOrEmpty(sid))
            {
                writer.WriteString("sid", sid);
            }

            writer.WriteStartObject("events");
            writer.WriteStartObject(BackChannelLogoutEvent);
            writer.WriteEndObject();
            writer.WriteEndObject();
            if (reason is not null)
            {
                writer.WriteString(ReasonClaim, reason);
            }

            writer.WriteEndObject();
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }
}
