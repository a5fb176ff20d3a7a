using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LogoutEnricher.Hosting.Hardening;

/// <summary>
/// Size limits for a host that anyone can reach. Kestrel's header limits apply to every request, and its body limit is
/// the small one of the routes LogoutEnricher answers itself; a route that needs another declares it as endpoint
/// metadata (<see cref="WithRequestBodyLimit"/>), which routing applies before the body is read: token requests get
/// <see cref="TokenRequestBodyBytes"/>, and front-door mode none, since it must forward Keycloak's own large requests.
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
        kestrel.Limits.MaxRequestBodySize = OwnRouteBodyBytes;
        kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        kestrel.Limits.MaxRequestHeaderCount = 64;
        kestrel.Limits.MaxRequestLineSize = 8 * 1024;
        kestrel.Limits.Http2.MaxRequestHeaderFieldSize = 16 * 1024;
    }

    /// <summary>This endpoint's body limit instead of <see cref="OwnRouteBodyBytes"/>; null lifts it.</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long? maxBytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(maxBytes));

    private sealed record RequestBodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
