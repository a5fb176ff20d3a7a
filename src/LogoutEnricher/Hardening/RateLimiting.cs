using System.Threading.RateLimiting;
using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hardening;

/// <summary>
/// One token bucket per protected route (logout; capture when enabled). Refused requests get 429 with
/// <c>Retry-After</c> and an OAuth error body, which Keycloak logs and retries like any failed logout.
/// </summary>
internal static class RateLimiting
{
    public static IServiceCollection AddLogoutEnricherRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.SectionName);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>, IOptions<LogoutEnricherOptions>>((limiter, limits, enricher) =>
        {
            var tokenPaths = RouteKinds.TokenPaths(enricher.Value);
            var logout = limits.Value.Logout;
            var capture = limits.Value.Capture;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, RouteKind>(context => RouteKinds.Of(context, tokenPaths) switch
            {
                RouteKind.Logout when logout.PermitsPerSecond > 0 => RateLimitPartition.GetTokenBucketLimiter(RouteKind.Logout, _ => Bucket(logout)),
                RouteKind.Capture when capture.PermitsPerSecond > 0 => RateLimitPartition.GetTokenBucketLimiter(RouteKind.Capture, _ => Bucket(capture)),
                _ => RateLimitPartition.GetNoLimiter(RouteKind.Other),
            });
            limiter.OnRejected = static async (rejected, cancellationToken) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                await OAuthErrors.WriteAsync(rejected.HttpContext.Response, StatusCodes.Status429TooManyRequests, OAuthErrors.TemporarilyUnavailable,
                    "too many requests; send it again later");
            };
        });
        return services;
    }

    private static TokenBucketRateLimiterOptions Bucket(RouteRateLimit limit) => new()
    {
        TokensPerPeriod = limit.PermitsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        TokenLimit = limit.Burst > 0 ? limit.Burst : limit.PermitsPerSecond * 2,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
