namespace LogoutEnricher.SilentLogouts.Doctor;

/// <summary>
/// The configuration doctor, bound from <c>LogoutEnricher:Doctor</c>: reads each configured client and the realm's
/// event settings through the Keycloak Admin API access (<c>LogoutEnricher:KeycloakAdmin</c>) and reports what
/// silently breaks single logout. Findings are warnings, a metric and an admin API list; they never block startup
/// or readiness.
/// </summary>
public sealed class DoctorOptions
{
    public const string SectionName = "LogoutEnricher:Doctor";

    /// <summary>Run the doctor for every realm with Admin API access. Default: true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The URL Keycloak reaches LogoutEnricher at, e.g. <c>http://logoutenricher:8080</c>: client URLs are expected
    /// under it. Default: none; then only missing URLs are reported, not ones pointing elsewhere.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>
    /// The path of a client's Admin URL on LogoutEnricher, <c>{clientId}</c> replaced (the Admin URL endpoint).
    /// Default: <c>/keycloak-admin/{clientId}</c>.
    /// </summary>
    public string AdminUrlPath { get; set; } = "/keycloak-admin/{clientId}";

    /// <summary>How often the checks run again after the first run at startup. Default: 5 min.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}
