using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Capture;
using LogoutEnricher.Signing;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting;

public static class LogoutEnricherEndpointRouteBuilderExtensions
{
    private const string KeycloakTokenPath = "/realms/{realm}/protocol/openid-connect/token";

    /// <summary>Maps the token endpoint proxy, the back-channel logout receiver, the JWKS and health endpoints.</summary>
    public static IEndpointRouteBuilder MapLogoutEnricher(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<LogoutEnricherOptions>>().Value;
        endpoints.MapLogoutEnricherOperations();

        var logout = endpoints.ServiceProvider.GetRequiredService<BackChannelLogoutEndpoint>();
        endpoints.MapPost("/backchannel-logout", (HttpContext context) => logout.HandleAsync(context, null));
        endpoints.MapPost("/backchannel-logout/{clientId}", (HttpContext context, string clientId) => logout.HandleAsync(context, clientId));

        var keys = endpoints.ServiceProvider.GetRequiredService<SigningKeyProvider>();
        endpoints.MapGet("/.well-known/jwks.json", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Bytes(keys.JwksDocument, "application/jwk-set+json");
        });

        MapCapture(endpoints, options);
        endpoints.MapHealth();
        return endpoints;
    }

    private static void MapCapture(IEndpointRouteBuilder endpoints, LogoutEnricherOptions options)
    {
        var forwarder = endpoints.ServiceProvider.GetRequiredService<TokenEndpointForwarder>();
        if (options.Upstream.BaseUrl is { } upstream)
        {
            var relative = "/" + options.Upstream.RelativePath.Trim('/');
            endpoints.MapPost(KeycloakTokenPath, (HttpContext context, string realm) => forwarder.ForwardTokenRequestAsync(context, upstream, null, IssuerScope.ForKeycloakRealm(realm)));
            if (relative.Length > 1)
            {
                endpoints.MapPost(relative + KeycloakTokenPath, (HttpContext context, string realm) => forwarder.ForwardTokenRequestAsync(context, upstream, null, IssuerScope.ForKeycloakRealm(realm)));
            }

            if (options.Upstream.FrontDoor)
            {
                endpoints.Map("/{**path}", (HttpContext context) => forwarder.ForwardOtherAsync(context, upstream)).WithOrder(int.MaxValue);
            }
        }

        foreach (var issuer in options.Issuers.Values.Where(i => i.TokenEndpoint is not null && !string.IsNullOrEmpty(i.TokenPath)))
        {
            var destination = issuer.TokenEndpoint!;
            var scope = IssuerScope.ForIssuer(issuer.Issuer);
            endpoints.MapPost(issuer.TokenPath!, (HttpContext context) => forwarder.ForwardTokenRequestAsync(context, destination, destination, scope));
        }
    }
}
