using System.Threading.RateLimiting;
using LogoutEnricher.Hosting;
using LogoutEnricher.Protocol;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.Hardening;

/// <summary>
/// One token bucket per protected route kind, attached to its endpoints as metadata (<c>RequireRateLimiting</c>):
/// <see cref="LogoutPolicy"/> on the logout receiver, <see cref="CapturePolicy"/> on the token endpoint proxy. Refused
/// requests get 429 with <c>Retry-After</c> and an OAuth error body, which Keycloak logs and retries like any failed
/// logout.
/// </summary>
internal static class RateLimiting
{
    public const string LogoutPolicy = "logoutenricher-logout";
    public const string CapturePolicy = "logoutenricher-capture";

    public static IServiceCollection AddLogoutEnricherRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitingOptions>().Bind(configuration.GetSection(RateLimitingOptions.SectionName));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>>((limiter, limits) =>
        {
            // Note: a constant partition key: every caller of the route shares the bucket, because it protects the
            // store and the applications, not fairness between callers.
            limiter.AddPolicy(LogoutPolicy, _ => Partition(LogoutPolicy, limits.Value.Logout));
            limiter.AddPolicy(CapturePolicy, _ => Partition(CapturePolicy, limits.Value.Capture));
            limiter.OnRejected = static async (rejected, cancellationToken) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                await OAuthErrors.WriteAsync(rejected.HttpContext.Response, StatusCodes.Status429TooManyRequests, OAuthErrors.TemporarilyUnavailable,
                    "too many requests; send it again later");
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(string policy, RouteRateLimit limit) => limit.PermitsPerSecond > 0
        ? RateLimitPartition.GetTokenBucketLimiter(policy, _ => new TokenBucketRateLimiterOptions
        {
            TokensPerPeriod = limit.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            TokenLimit = limit.Burst > 0 ? limit.Burst : limit.PermitsPerSecond * 2,
            QueueLimit = 0,
            AutoReplenishment = true,
        })
        : RateLimitPartition.GetNoLimiter(policy);
}
