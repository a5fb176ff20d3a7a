using LogoutEnricher.Hosting;
using LogoutEnricher.Protocol;

namespace LogoutEnricher.Delivery.Signing;

internal static class SigningServiceCollectionExtensions
{
    /// <summary>LogoutEnricher's own signing key (<c>LogoutEnricher:Signing</c>), its rotation and the JWKS that publishes it.</summary>
    public static IServiceCollection AddSigning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SigningOptions, SigningOptionsValidator>(configuration, SigningOptions.SectionName);
        services.AddSingleton<SigningKeyProvider>();
        services.AddHostedService<KeyRotationService>();
        return services;
    }

    /// <summary><c>GET /.well-known/jwks.json</c>: the public keys that verify enriched tokens.</summary>
    public static IEndpointRouteBuilder MapSigning(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/.well-known/jwks.json", (HttpContext context, SigningKeyProvider keys) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Bytes(keys.JwksDocument, "application/jwk-set+json");
        });
        return endpoints;
    }
}
