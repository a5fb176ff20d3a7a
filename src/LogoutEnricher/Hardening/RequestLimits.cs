using LogoutEnricher.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hardening;

/// <summary>
/// Size limits for a host that anyone can reach. Kestrel's header limits apply to every request; the body limit is
/// lowered per request, because front-door mode must still forward Keycloak's own large requests (realm imports).
/// </summary>
internal static class RequestLimits
{
    /// <summary>Bodies of routes that LogoutEnricher answers itself (logout, JWKS, health, admin). The logout route
    /// enforces its own, smaller <c>Logout:MaxRequestBodyBytes</c> with a 400.</summary>
    public const long OwnRouteBodyBytes = 64 * 1024;

    /// <summary>Token requests: far larger than any real one, small enough not to be a memory lever.</summary>
    public const long TokenRequestBodyBytes = 1024 * 1024;

    public static void ConfigureKestrel(KestrelServerOptions kestrel)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        kestrel.Limits.MaxRequestHeaderCount = 64;
        kestrel.Limits.MaxRequestLineSize = 8 * 1024;
        kestrel.Limits.Http2.MaxRequestHeaderFieldSize = 16 * 1024;
    }

    /// <summary>Middleware (after routing): lowers the body limit of every request that is not forwarded whole.</summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app)
    {
        var tokenPaths = RouteKinds.TokenPaths(app.ApplicationServices.GetRequiredService<IOptions<LogoutEnricherOptions>>().Value);
        return app.Use((context, next) =>
        {
            var limit = RouteKinds.Of(context, tokenPaths) switch
            {
                RouteKind.FrontDoor => (long?)null,
                RouteKind.Capture => TokenRequestBodyBytes,
                _ => OwnRouteBodyBytes,
            };
            if (limit is not null && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            return next(context);
        });
    }
}
