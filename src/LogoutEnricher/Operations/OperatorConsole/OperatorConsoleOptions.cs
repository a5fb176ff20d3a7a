namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>
/// The operator console at <c>{Admin:PathPrefix}/console</c>, bound from <c>LogoutEnricher:Console</c>. It exists only
/// when the admin API is enabled, and admits the same credentials.
/// </summary>
public sealed class OperatorConsoleOptions
{
    public const string SectionName = "LogoutEnricher:Console";

    /// <summary>Maps the console (with <c>LogoutEnricher:Admin:Enabled</c>). Default: true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long a sign-in lasts (absolute, not sliding; the cookie is HTTP-only and SameSite=Strict). Default: 00:15:00.
    /// </summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Sign-in by OIDC login against the admin API's bearer issuer (<c>LogoutEnricher:Admin:Bearer</c>), beside the API
    /// key. Default: off (no <see cref="ConsoleOidcOptions.ClientId"/>).
    /// </summary>
    public ConsoleOidcOptions Oidc { get; init; } = new();
}

/// <summary>
/// The client the console signs in as (authorization code flow with PKCE). Which issuer, audience and role admit an
/// operator is not configured here: it is <c>LogoutEnricher:Admin:Bearer</c>, the rule for the admin API's bearer
/// tokens, applied to the access token the sign-in redeemed.
/// </summary>
public sealed class ConsoleOidcOptions
{
    /// <summary>
    /// The OIDC client, e.g. <c>logoutenricher-console</c> (Keycloak: Standard flow on, valid redirect URI
    /// <c>{LogoutEnricher's URL}{Admin:PathPrefix}/console/signin-oidc</c>). Default: none, OIDC sign-in off.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The client's secret (Keycloak: Client authentication on); none for a public client. Default: none.</summary>
    public string? ClientSecret { get; set; }
}
