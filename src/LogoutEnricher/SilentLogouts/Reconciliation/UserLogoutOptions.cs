namespace LogoutEnricher.SilentLogouts.Reconciliation;

/// <summary>
/// Completing the user logouts Keycloak reports as one session, bound from <c>LogoutEnricher:UserLogouts</c>. When an
/// administrator signs out a user with several SSO sessions, Keycloak ends them all but sends each client one
/// back-channel logout naming the first <c>sid</c> only; after such a logout LogoutEnricher asks Keycloak for the
/// user's sessions (<c>GET /users/{id}/sessions</c>) and ends the captured ones it no longer holds. Runs only for
/// realms configured under <c>LogoutEnricher:KeycloakAdmin</c>; elsewhere reconciliation is the only way they end.
/// </summary>
public sealed class UserLogoutOptions
{
    public const string SectionName = "LogoutEnricher:UserLogouts";

    /// <summary>Check the user's other sessions after each logout Keycloak sends. Default: true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long after the logout the check runs: Keycloak sends the logouts of one sign-out one after another, so the
    /// ones it does send arrive (and are left to it) before the user's sessions are read. Default: 1 s.
    /// </summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Further logouts of the same user (same issuer) within this long of the one that queued a check start no check
    /// of their own: one sign-out of many sessions, or a storm of them, asks Keycloak once per user. At least
    /// <see cref="Delay"/>. Default: 10 s.
    /// </summary>
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Checks waiting to run, at most; a logout arriving while the queue is full starts none (logged, event 8204):
    /// reconciliation ends those sessions later. Default: 1000.
    /// </summary>
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Checks running at once, at most. Default: 2.</summary>
    public int MaxConcurrency { get; set; } = 2;

    /// <summary>
    /// Checks that ask Keycloak per second, at most (further ones wait their turn in the queue), within
    /// <c>KeycloakAdmin:MaxRequestsPerSecond</c>, which reconciliation and the doctor share. Default: 5.
    /// </summary>
    public int MaxChecksPerSecond { get; set; } = 5;
}
