using System.Text.Json;
using System.Text.Json.Serialization;

namespace LogoutEnricher.SilentLogouts.KeycloakApi;

/// <summary>The parts of Keycloak's <c>ClientRepresentation</c> that decide whether single logout works.</summary>
internal sealed record ClientRepresentation(
    string Id,
    string ClientId,
    bool? FrontchannelLogout,
    string? AdminUrl,
    bool? Enabled,
    Dictionary<string, string?>? Attributes)
{
    public string? Attribute(string name) => Attributes?.GetValueOrDefault(name);
}

/// <summary>Keycloak's <c>UserSessionRepresentation</c>: <c>start</c>/<c>lastAccess</c> in epoch ms, clients by uuid.</summary>
internal sealed record UserSessionRepresentation(
    string Id,
    string? Username,
    string? UserId,
    string? IpAddress,
    long Start,
    long LastAccess,
    bool RememberMe,
    Dictionary<string, string>? Clients,
    bool TransientUser);

/// <summary>Keycloak's <c>EventRepresentation</c> (user events), <c>time</c> in epoch ms.</summary>
internal sealed record EventRepresentation(
    string? Id,
    long Time,
    string? Type,
    string? RealmId,
    string? ClientId,
    string? UserId,
    string? SessionId,
    string? IpAddress,
    string? Error,
    Dictionary<string, string?>? Details);

/// <summary>Keycloak's <c>RealmEventsConfigRepresentation</c>, the parts about stored user events.</summary>
internal sealed record RealmEventsConfigRepresentation(bool EventsEnabled, List<string>? EnabledEventTypes);

/// <summary>Keycloak's <c>UserRepresentation</c>, brief.</summary>
internal sealed record UserRepresentation(string Id, string? Username, bool Enabled);

/// <summary>The answer of <c>/clients/{uuid}/session-count</c>.</summary>
internal sealed record SessionCount(long Count);

/// <summary>The token endpoint's answer to client_credentials.</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

[JsonSerializable(typeof(ClientRepresentation[]))]
[JsonSerializable(typeof(UserSessionRepresentation[]))]
[JsonSerializable(typeof(EventRepresentation[]))]
[JsonSerializable(typeof(RealmEventsConfigRepresentation))]
[JsonSerializable(typeof(UserRepresentation))]
[JsonSerializable(typeof(UserRepresentation[]))]
[JsonSerializable(typeof(SessionCount))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class KeycloakAdminJsonContext : JsonSerializerContext;
