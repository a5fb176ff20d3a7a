namespace LogoutEnricher.SilentLogouts.KeycloakApi;

/// <summary>
/// Read access to Keycloak's Admin REST API through a service account, per realm, bound from
/// <c>LogoutEnricher:KeycloakAdmin</c>. Off unless a realm is configured: nothing here calls Keycloak by default.
/// </summary>
public sealed class KeycloakAdminOptions
{
    public const string SectionName = "LogoutEnricher:KeycloakAdmin";

    /// <summary>
    /// The realms to read, keyed by the name of their issuer under <c>LogoutEnricher:Issuers</c> (e.g. <c>demo</c>).
    /// Default: none.
    /// </summary>
    public Dictionary<string, KeycloakAdminRealmOptions> Realms { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Timeout of one Admin API or token request. Default: 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most requests per second to one realm, token requests included; further calls wait their turn, so
    /// LogoutEnricher can never hammer Keycloak. Default: 20.
    /// </summary>
    public int MaxRequestsPerSecond { get; set; } = 20;

    /// <summary>
    /// A service-account token is renewed this long before it expires (at the latest at half its lifetime).
    /// Default: 30 s.
    /// </summary>
    public TimeSpan TokenRenewalMargin { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The service account of one realm.</summary>
public sealed class KeycloakAdminRealmOptions
{
    /// <summary>
    /// The confidential client with "Service accounts roles" on, e.g. <c>logoutenricher-admin</c>. Required.
    /// </summary>
    public string ClientId { get; set; } = "";

    /// <summary>Its secret. Prefer <see cref="ClientSecretFile"/>. Never logged. One of the two is required.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>A file holding the secret (e.g. a mounted Kubernetes/Docker secret), read at every token request.</summary>
    public string? ClientSecretFile { get; set; }

    /// <summary>
    /// Keycloak's base URL as LogoutEnricher reaches it, e.g. <c>http://keycloak:8080</c> (with <c>/auth</c> for old
    /// Keycloak). Default: the issuer up to <c>/realms/</c>.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The realm name. Default: the issuer's last path segment.</summary>
    public string? Realm { get; set; }
}
