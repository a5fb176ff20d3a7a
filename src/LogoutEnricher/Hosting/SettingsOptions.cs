namespace LogoutEnricher.Hosting;

/// <summary>Where token requests are forwarded.</summary>
public sealed class UpstreamOptions
{
    /// <summary>Keycloak's base URL as the sidecar reaches it, e.g. <c>http://keycloak:8080</c>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>Keycloak's relative path (<c>/auth</c> for Keycloak 16 and older). Default: none.</summary>
    public string RelativePath { get; set; } = "";

    /// <summary>Forward every other path too, so the sidecar can be Keycloak's only ingress. Default: false.</summary>
    public bool FrontDoor { get; set; }

    /// <summary>Timeout of one forwarded request. Default: 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public enum CaptureFailurePolicy
{
    /// <summary>The application gets 503 and no tokens when the mapping cannot be stored.</summary>
    Reject,

    /// <summary>The tokens are returned anyway; the failure is logged and counted.</summary>
    Allow,
}

/// <summary>Recording sessions at the token endpoint.</summary>
public sealed class CaptureOptions
{
    /// <summary>What happens when the store fails while capturing. Default: <see cref="CaptureFailurePolicy.Reject"/>.</summary>
    public CaptureFailurePolicy FailurePolicy { get; set; } = CaptureFailurePolicy.Reject;

    /// <summary>Mapping lifetime when the token response has no positive <c>refresh_expires_in</c>. Default: 10 h.</summary>
    public TimeSpan DefaultSessionLifetime { get; set; } = TimeSpan.FromHours(10);

    /// <summary>Upper bound of a mapping's lifetime. Default: 30 days.</summary>
    public TimeSpan MaxSessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Largest token request body that is read for capture; larger ones pass through unread. Default: 64 KiB.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Largest token response that is read for capture. Default: 256 KiB.</summary>
    public int MaxResponseBodyBytes { get; set; } = 256 * 1024;
}

/// <summary>Validation of incoming logout tokens.</summary>
public sealed class LogoutOptions
{
    /// <summary>Accepted <c>alg</c> values. Default: RS256/384/512, PS256/384/512, ES256/384/512. Only asymmetric ones are allowed.</summary>
    public List<string> AllowedAlgorithms { get; init; } = [];

    /// <summary>Tolerated clock difference for <c>iat</c> and <c>exp</c>. Default: 30 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Accept tokens without <c>exp</c> (Keycloak before 23.0.4). Default: false.</summary>
    public bool AllowMissingExpiration { get; set; }

    /// <summary>With <see cref="AllowMissingExpiration"/>: oldest accepted <c>iat</c>. Default: 2 min.</summary>
    public TimeSpan MaxTokenAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Largest accepted request body. Default: 16 KiB.</summary>
    public int MaxRequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>How long a provider's JWKS is used before it is fetched again. Default: 1 h.</summary>
    public TimeSpan JwksCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Least time between two JWKS fetches caused by an unknown <c>kid</c>. Default: 30 s.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>LogoutEnricher's own signing key and the tokens it mints.</summary>
public sealed class SigningOptions
{
    /// <summary>RS256 (default), PS256 or ES256.</summary>
    public string Algorithm { get; set; } = "RS256";

    /// <summary>A PEM private key file to sign with. Default: none; a key is generated once and kept in the store.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The <c>iss</c> of enriched tokens. Default: none, the provider's issuer is kept.</summary>
    public string? Issuer { get; set; }

    /// <summary>Lifetime of an enriched token. Default: 2 min.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(2);
}

public enum StorageProvider
{
    Sqlite,
}

/// <summary>Where mappings, the replay cache and signing keys live.</summary>
public sealed class StorageOptions
{
    /// <summary>Default: <see cref="StorageProvider.Sqlite"/>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    public SqliteSettings Sqlite { get; init; } = new();

    /// <summary>Base64 of 32 random bytes that encrypt application session ids and keys at rest. Default: none.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>A file holding the encryption key (base64). Default: none; with SQLite one is created beside the database.</summary>
    public string? EncryptionKeyFile { get; set; }

    /// <summary>How often expired rows are purged. Default: 5 min.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class SqliteSettings
{
    /// <summary>The database file. Default: <c>data/logoutenricher.db</c>.</summary>
    public string Path { get; set; } = "data/logoutenricher.db";
}
