namespace LogoutEnricher.Operations.AdminApi;

/// <summary>The operator's API, bound from <c>LogoutEnricher:Admin</c>. Off unless enabled and given credentials.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "LogoutEnricher:Admin";

    /// <summary>Maps the admin API. Default: false (the routes do not exist: 404).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Where the API lives. Default: <c>/admin</c>. Change it when front-door mode forwards Keycloak's own <c>/admin</c>
    /// console and a realm could be named like one of these routes.
    /// </summary>
    public string PathPrefix { get; set; } = "/admin";

    /// <summary>
    /// Lowercase hex SHA-256 hashes of the accepted API keys (header <c>X-Api-Key</c>); the keys themselves are never
    /// configured. Make one with <c>key=$(openssl rand -base64 32); printf %s "$key" | sha256sum</c>. Default: none.
    /// </summary>
    public List<string> ApiKeyHashes { get; init; } = [];

    /// <summary>Bearer tokens (e.g. Keycloak access tokens) accepted instead of an API key. Default: none.</summary>
    public AdminBearerOptions Bearer { get; init; } = new();

    /// <summary>How many wrong credentials a client may send (admin API and console sign-in together) before it is refused.</summary>
    public FailedCredentialsOptions FailedCredentials { get; init; } = new();
}

/// <summary>The per-client limit on wrong admin credentials (see <c>CredentialFailureLimiter</c>).</summary>
public sealed class FailedCredentialsOptions
{
    /// <summary>Wrong API keys or invalid bearer tokens a client may send per <see cref="Window"/>; then 429 until it ends. Default: 10; 0 turns the limit off.</summary>
    public int Limit { get; set; } = 10;

    /// <summary>The window the failures of one client are counted in, from its first failure. Default: 1 min.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

public sealed class AdminBearerOptions
{
    /// <summary>The issuer of accepted tokens; must be one of the configured <c>Issuers</c> (its JWKS verifies them).</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> a token must carry (Keycloak: add an audience mapper). Required with <see cref="Issuer"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// The role a token must grant (<c>realm_access.roles</c>, <c>resource_access.{Audience}.roles</c> or <c>roles</c>).
    /// Required with <see cref="Issuer"/>.
    /// </summary>
    public string? RequiredRole { get; set; }
}
