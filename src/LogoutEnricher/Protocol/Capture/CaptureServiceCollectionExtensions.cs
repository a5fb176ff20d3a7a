using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.Hardening;
using LogoutEnricher.Protocol;
using LogoutEnricher.Protocol.Providers;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.Capture;

internal static class CaptureServiceCollectionExtensions
{
    private const string KeycloakTokenPath = "/realms/{realm}/protocol/openid-connect/token";

    /// <summary>The token endpoint proxy: <c>LogoutEnricher:Upstream</c>, <c>LogoutEnricher:Capture</c> and YARP's forwarder.</summary>
    public static IServiceCollection AddCapture(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<UpstreamOptions, UpstreamOptionsValidator>(configuration, UpstreamOptions.SectionName);
        services.AddValidatedOptions<CaptureOptions, CaptureOptionsValidator>(configuration, CaptureOptions.SectionName);
        services.AddHttpForwarder();
        services.AddSingleton<ForwarderHttpClient>();
        services.AddSingleton<CaptureTransformer>();
        services.AddSingleton<SessionCapturer>();
        services.AddSingleton<TokenEndpointForwarder>();
        return services;
    }

    /// <summary>
    /// Note: handlers take their services per request, so mapping builds no store: a bad storage configuration fails
    /// at startup validation, with all its failures at once.
    /// Keycloak's token endpoint under <c>Upstream:BaseUrl</c> (and <c>Upstream:RelativePath</c>), each issuer's own
    /// <c>TokenPath</c>, and in front-door mode every other path.
    /// </summary>
    public static IEndpointRouteBuilder MapCapture(this IEndpointRouteBuilder endpoints)
    {
        var upstreamOptions = endpoints.ServiceProvider.GetRequiredService<IOptions<UpstreamOptions>>().Value;
        var issuers = endpoints.ServiceProvider.GetRequiredService<IOptions<IssuersOptions>>().Value;
        if (upstreamOptions.BaseUrl is { } upstream)
        {
            var relative = "/" + upstreamOptions.RelativePath.Trim('/');
            endpoints.MapPost(KeycloakTokenPath, (HttpContext context, string realm, TokenEndpointForwarder forwarder) => forwarder.ForwardTokenRequestAsync(context, upstream, null, IssuerScope.ForKeycloakRealm(realm)))
                .RequireRateLimiting(RateLimiting.CapturePolicy).WithRequestBodyLimit(RequestLimits.TokenRequestBodyBytes);
            if (relative.Length > 1)
            {
                endpoints.MapPost(relative + KeycloakTokenPath, (HttpContext context, string realm, TokenEndpointForwarder forwarder) => forwarder.ForwardTokenRequestAsync(context, upstream, null, IssuerScope.ForKeycloakRealm(realm)))
                .RequireRateLimiting(RateLimiting.CapturePolicy).WithRequestBodyLimit(RequestLimits.TokenRequestBodyBytes);
            }

            if (upstreamOptions.FrontDoor)
            {
                endpoints.Map("/{**path}", (HttpContext context, TokenEndpointForwarder forwarder) => forwarder.ForwardOtherAsync(context, upstream)).WithOrder(int.MaxValue).WithRequestBodyLimit(null);
            }
        }

        foreach (var issuer in issuers.Values.Where(i => i.TokenEndpoint is not null && !string.IsNullOrEmpty(i.TokenPath)))
        {
            var destination = issuer.TokenEndpoint!;
            var scope = IssuerScope.ForIssuer(issuer.Issuer);
            endpoints.MapPost(issuer.TokenPath!, (HttpContext context, TokenEndpointForwarder forwarder) => forwarder.ForwardTokenRequestAsync(context, destination, destination, scope))
                .RequireRateLimiting(RateLimiting.CapturePolicy).WithRequestBodyLimit(RequestLimits.TokenRequestBodyBytes);
        }

        return endpoints;
    }
}
