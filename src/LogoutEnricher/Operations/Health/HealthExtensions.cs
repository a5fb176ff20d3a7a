using LogoutEnricher.Hosting;

namespace LogoutEnricher.Operations.Health;

internal static class HealthExtensions
{
    /// <summary>The readiness checks (store, providers' keys) and the log of their changes.</summary>
    public static IServiceCollection AddLogoutEnricherHealth(this IServiceCollection services)
    {
        services.AddSingleton<ReadinessTransitions>();
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<ProviderKeysHealthCheck>("provider-keys", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }
}
