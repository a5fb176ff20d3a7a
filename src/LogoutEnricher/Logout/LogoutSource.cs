namespace LogoutEnricher.Logout;

/// <summary>
/// Where a logout came from. Every source enters the same <see cref="LogoutPipeline"/>; the audit event, the logout
/// trail and the metrics name it with <see cref="LogoutSourceNames.Name"/>.
/// </summary>
internal enum LogoutSource
{
    /// <summary>A back-channel logout token the provider sent.</summary>
    Provider,

    /// <summary>An operator's logout through the admin API.</summary>
    AdminApi,

    /// <summary>Keycloak's realm "Sign out all active sessions", fanned out to every captured session of a client.</summary>
    SignOutAll,

    /// <summary>Keycloak's push revocation (<c>PushNotBeforeAction</c>), fanned out to every captured session of a client.</summary>
    PushRevocation,

    /// <summary>A per-session <c>LogoutAction</c> Keycloak pushed to the client's Admin URL.</summary>
    AdminUrlAction,

    /// <summary>A session Keycloak ended without a logout (expiry, disabled or deleted user), found through its Admin API.</summary>
    Reconciliation,

    /// <summary>
    /// The other sessions of a user whose logout Keycloak reported as one session (admin "Sign out"), confirmed ended
    /// through its Admin API.
    /// </summary>
    UserLogout,
}

internal static class LogoutSourceNames
{
    /// <summary>The source as logs, metrics, the trail and the admin API spell it (a contract: see docs/operations.md).</summary>
    public static string Name(this LogoutSource source) => source switch
    {
        LogoutSource.Provider => "provider",
        LogoutSource.AdminApi => "admin",
        LogoutSource.SignOutAll => "sign_out_all",
        LogoutSource.PushRevocation => "push_revocation",
        LogoutSource.AdminUrlAction => "admin_url_action",
        LogoutSource.Reconciliation => "reconciliation",
        _ => "user_logout",
    };

    /// <summary>
    /// Whether the sender waits for the applications' answers in Synchronous mode (a provider's token, an operator's
    /// request). Logouts LogoutEnricher starts itself, and Keycloak's Admin URL pushes, always go through the durable
    /// outbox: nobody could resend them.
    /// </summary>
    public static bool MayDeliverInline(this LogoutSource source) => source is LogoutSource.Provider or LogoutSource.AdminApi;
}
