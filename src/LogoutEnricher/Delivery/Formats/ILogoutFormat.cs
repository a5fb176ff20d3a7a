using LogoutEnricher.Protocol.Providers;

namespace LogoutEnricher.Delivery.Formats;

/// <summary>
/// How one kind of application receives a logout (<see cref="LogoutFormat"/>): the request an attempt sends, minted
/// anew for every attempt. A new format is one class here, one <see cref="LogoutFormat"/> value and the validator rule
/// for its URL; nothing else in the flow asks which format a client has.
/// </summary>
internal interface ILogoutFormat
{
    LogoutFormat Format { get; }

    /// <summary>
    /// Whether Keycloak's Admin URL actions (the notBefore <c>LogoutAction</c> of a sign-out-all, a
    /// <c>PushNotBeforeAction</c>) are forwarded to such applications as actions; the others only hear of the sessions.
    /// </summary>
    bool ForwardsAdminActions { get; }

    /// <param name="url">The target, from configuration only (<see cref="ConfiguredClient.UrlFor"/>).</param>
    HttpRequestMessage CreateRequest(ConfiguredClient client, string url, DeliveryContent content);
}

/// <summary>What one delivery attempt carries.</summary>
/// <param name="Claims">The logout's claims (a provider's token kept whole, or minted by the pipeline).</param>
/// <param name="Sid">The provider's session id, or null.</param>
/// <param name="AppSessionIds">The application's own session ids this delivery names.</param>
/// <param name="Action">A Keycloak Admin URL action to forward instead of a per-session logout.</param>
internal readonly record struct DeliveryContent(
    System.Text.Json.JsonElement Claims, string? Sid, IReadOnlyList<string> AppSessionIds, KeycloakAdminAction? Action);
