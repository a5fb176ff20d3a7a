using LogoutEnricher.Hosting;
using LogoutEnricher.Protocol;

namespace LogoutEnricher.Protocol.Providers;

internal static class ProvidersServiceCollectionExtensions
{
    /// <summary>The configured issuers and clients (<c>LogoutEnricher:Issuers</c>) and the cache of their signing keys.</summary>
    public static IServiceCollection AddProviders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<IssuersOptions, IssuersOptionsValidator>(configuration, IssuersOptions.SectionName);
        services.AddSingleton<IssuerRegistry>();
        services.AddSingleton<ProviderKeyCache>();
        services.AddSingleton<KeyFetchMarker>();
        services.AddHttpClient(ProviderKeyCache.HttpClientName, (provider, client) =>
            {
                client.Timeout = TimeSpan.FromSeconds(10);
                client.DefaultRequestHeaders.Add(ProviderKeyCache.KeyFetchHeader, provider.GetRequiredService<KeyFetchMarker>().Value);
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        return services;
    }
}
