namespace LogoutEnricher.SilentLogouts.Reconciliation;

/// <summary>
/// Why LogoutEnricher ended a session Keycloak never sent a logout for; the value of the <c>logout_reason</c> claim
/// (and of the <c>LogoutAction</c> member of that name), of metric labels and of audit events.
/// </summary>
internal static class LogoutReason
{
    public const string ClaimName = Logout.LogoutClaims.ReasonClaim;

    /// <summary>Keycloak's <c>USER_SESSION_DELETED</c> event with <c>reason: expired</c> (idle or max lifetime).</summary>
    public const string SessionExpiration = "session_expiration";

    /// <summary>The user is disabled in Keycloak (confirmed by <c>GET /users/{id}</c>).</summary>
    public const string UserDisabled = "user_disabled";

    /// <summary>The user no longer exists (confirmed by a 404 from <c>GET /users/{id}</c>).</summary>
    public const string UserDeleted = "user_deleted";

    /// <summary>
    /// Keycloak no longer holds the session, found right after a logout of the same user arrived (Keycloak's admin
    /// "Sign out" and "sign out other devices" end every session of the user but name only the first one).
    /// </summary>
    public const string UserLogout = "user_logout";

    /// <summary>Keycloak no longer knows the session (missing from two observations), cause unknown.</summary>
    public const string Terminated = "terminated";
}
