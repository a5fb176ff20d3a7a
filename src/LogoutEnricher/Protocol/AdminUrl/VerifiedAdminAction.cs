using LogoutEnricher.Protocol.Providers;

namespace LogoutEnricher.Protocol.AdminUrl;

/// <summary>A Keycloak <c>LogoutAction</c> or <c>PushNotBeforeAction</c> that passed every check.</summary>
/// <param name="NotBefore">Keycloak's <c>notBefore</c> (epoch seconds; 0 for a per-session logout).</param>
/// <param name="KeycloakSessionIds">Keycloak's session ids (= sids) of a per-session logout; empty for sign-out-all.</param>
internal sealed record VerifiedAdminAction(ConfiguredClient Client, string Action, string Id, long NotBefore, IReadOnlyList<string> KeycloakSessionIds)
{
    /// <summary>
    /// The application session ids Keycloak itself knows for a per-session logout (the <c>client_session_state</c> it
    /// kept: the last one per client session); signed by Keycloak, so as trustworthy as the captured ones.
    /// </summary>
    public IReadOnlyList<string> AdapterSessionIds { get; init; } = [];
}

/// <summary>A verified action, or why not (with a description safe to send back).</summary>
internal readonly record struct AdminActionResult(VerifiedAdminAction? Action, AdminPushRejection Reason, string? Description)
{
    public static AdminActionResult Reject(AdminPushRejection reason, string description) => new(null, reason, description);
}
