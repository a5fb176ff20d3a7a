namespace LogoutEnricher.Hosting.Hardening;

/// <summary>Rate limits of the public routes, bound from <c>LogoutEnricher:RateLimiting</c>.</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "LogoutEnricher:RateLimiting";

    /// <summary>
    /// The back-channel logout receiver. Default: 1000 per second, bursts of 2000: far above what one Keycloak sends
    /// (one synchronous POST per client session), far below what a flood of forged tokens would cost in signature checks.
    /// </summary>
    public RouteRateLimit Logout { get; init; } = new() { PermitsPerSecond = 1000, Burst = 2000 };

    /// <summary>The token endpoint proxy. Default: off (0), since every login passes through it.</summary>
    public RouteRateLimit Capture { get; init; } = new() { PermitsPerSecond = 0, Burst = 0 };
}

/// <summary>A token bucket shared by every caller of one route: it protects the store and the applications.</summary>
public sealed class RouteRateLimit
{
    /// <summary>Requests per second refilled into the bucket; 0 turns the limit off.</summary>
    public int PermitsPerSecond { get; set; }

    /// <summary>The bucket's size: how many requests may arrive at once. Default: twice <see cref="PermitsPerSecond"/> when 0.</summary>
    public int Burst { get; set; }
}
