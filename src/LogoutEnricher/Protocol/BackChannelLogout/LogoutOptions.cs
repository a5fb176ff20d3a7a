namespace LogoutEnricher.Protocol.BackChannelLogout;

/// <summary>Validation of incoming logout tokens (section <c>LogoutEnricher:Logout</c>).</summary>
public sealed class LogoutOptions
{
    public const string SectionName = "LogoutEnricher:Logout";

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
