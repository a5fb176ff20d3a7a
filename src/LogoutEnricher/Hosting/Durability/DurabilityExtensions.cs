using LogoutEnricher.Hosting;
using LogoutEnricher.Operations;
using LogoutEnricher.Operations.Health;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.Durability;

/// <summary>
/// Durable acknowledgement: the startup check and the readiness detail. The SQLite group commit settings
/// (<c>Storage:Sqlite:GroupCommit*</c>) bind with the backend's own section.
/// </summary>
internal static class DurabilityExtensions
{
    public static IServiceCollection AddDurability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DurabilityOptions>().Bind(configuration.GetSection(DurabilityOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DurabilityOptions>, DurabilityOptionsValidator>();
        services.AddSingleton<DurabilityMonitor>();
        services.AddHostedService<DurabilityStartupCheck>();
        services.AddHealthChecks().AddCheck<DurabilityHealthCheck>("storage-durability", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }
}
