using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Operations.Telemetry;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.Trail;

internal static class LogoutTrailExtensions
{
    /// <summary>The durable logout trail: written from the audit events, purged by age and count, read by the console and the admin API.</summary>
    public static IServiceCollection AddLogoutTrail(this IServiceCollection services)
    {
        services.AddOptions<LogoutTrailOptions>().BindConfiguration(LogoutTrailOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LogoutTrailOptions>, LogoutTrailOptionsValidator>();
        services.AddSingleton<WakeSignal<LogoutTrailWriter>>();
        services.AddSingleton<LogoutTrailWriter>();
        services.AddSingleton<IAuditObserver>(sp => sp.GetRequiredService<LogoutTrailWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<LogoutTrailWriter>());
        services.AddHostedService<LogoutTrailPurgeWorker>();
        services.AddSingleton<LogoutTrailReader>();
        return services;
    }
}
