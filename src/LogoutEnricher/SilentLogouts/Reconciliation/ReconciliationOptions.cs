namespace LogoutEnricher.SilentLogouts.Reconciliation;

/// <summary>
/// Finding the logouts Keycloak never sends (expiry, disabled and deleted users) through its Admin API, bound from
/// <c>LogoutEnricher:Reconciliation</c>. Runs only for realms configured under <c>LogoutEnricher:KeycloakAdmin</c>.
/// </summary>
public sealed class ReconciliationOptions
{
    public const string SectionName = "LogoutEnricher:Reconciliation";

    /// <summary>Poll <c>USER_SESSION_DELETED</c> events (Keycloak 26.5+, expiry). Default: true.</summary>
    public bool ExpiryEvents { get; set; } = true;

    /// <summary>Compare captured sessions with Keycloak's sessions and users periodically. Default: true.</summary>
    public bool Sessions { get; set; } = true;

    /// <summary>How often the events are polled (and the lease renewed). Default: 30 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often captured sessions are compared with Keycloak's. Default: 5 min.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A session Keycloak does not list is ended only when it is still missing this long after it was first seen
    /// missing (two observations at least this far apart); it is also the grace a newly captured session gets.
    /// Default: 5 min.
    /// </summary>
    public TimeSpan ConfirmationInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The lease that lets one replica reconcile at a time; renewed while it works. A replica that dies holds it this
    /// long. Must exceed <see cref="PollInterval"/>. Default: 2 min.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Events are read again this far back from the last one handled (handled ids are remembered), so that an event
    /// stored late by another Keycloak node is not skipped. Default: 1 min.
    /// </summary>
    public TimeSpan EventOverlap { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary><c>max</c> of each paged Admin API request (Keycloak's default is 100). Default: 100.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>Look for disabled users (<c>GET /users?enabled=false</c>) holding captured sessions. Default: true.</summary>
    public bool DisabledUsers { get; set; } = true;
}
