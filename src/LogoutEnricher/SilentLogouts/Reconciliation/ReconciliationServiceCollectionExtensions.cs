using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

internal static class ReconciliationServiceCollectionExtensions
{
    /// <summary>The expiry event poll and session reconciliation (<c>LogoutEnricher:Reconciliation</c>).</summary>
    public static IServiceCollection AddReconciliation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReconciliationOptions>().Bind(configuration.GetSection(ReconciliationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReconciliationOptions>, ReconciliationOptionsValidator>();
        services.AddSingleton<ReconciliationMetrics>();
        services.AddSingleton<SessionEnder>();
        services.AddSingleton<ExpiryEventPoller>();
        services.AddSingleton<SessionReconciler>();
        services.AddHostedService<ReconciliationService>();
        return services;
    }
}
