using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.KeySets;

public static class RealmKeySetExtensions
{
    private const string CertsPath = "/realms/{realm}/protocol/openid-connect/certs";

    /// <summary>Registers the realm key set (section <c>LogoutEnricher:RealmKeySet</c>).</summary>
    public static IServiceCollection AddRealmKeySet(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RealmKeySetOptions>().Bind(configuration.GetSection(RealmKeySetOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RealmKeySetOptions>, RealmKeySetOptionsValidator>();
        services.AddSingleton<RealmKeySetEndpoint>();
        return services;
    }

    /// <summary>Maps the realm certs path (and the same under <c>Upstream:RelativePath</c>) when an issuer serves it.</summary>
    public static IEndpointRouteBuilder MapRealmKeySet(this IEndpointRouteBuilder endpoints)
    {
        var endpoint = endpoints.ServiceProvider.GetRequiredService<RealmKeySetEndpoint>();
        if (!endpoint.AnyEnabled)
        {
            return endpoints;
        }

        var relative = "/" + endpoints.ServiceProvider.GetRequiredService<IOptions<Capture.UpstreamOptions>>().Value.RelativePath.Trim('/');
        endpoints.MapGet(CertsPath, (HttpContext context, string realm) => endpoint.HandleAsync(context, realm));
        if (relative.Length > 1)
        {
            endpoints.MapGet(relative + CertsPath, (HttpContext context, string realm) => endpoint.HandleAsync(context, realm));
        }

        return endpoints;
    }
}
