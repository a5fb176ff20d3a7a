using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

internal static class ReconciliationServiceCollectionExtensions
{
    /// <summary>
    /// The expiry event poll and session reconciliation (<c>LogoutEnricher:Reconciliation</c>), and the check of a
    /// signed-out user's other sessions (<c>LogoutEnricher:UserLogouts</c>).
    /// </summary>
    public static IServiceCollection AddReconciliation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReconciliationOptions>().Bind(configuration.GetSection(ReconciliationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReconciliationOptions>, ReconciliationOptionsValidator>();
        services.AddSingleton<ReconciliationMetrics>();
        services.AddSingleton<SessionEnder>();
        services.AddSingleton<ExpiryEventPoller>();
        services.AddSingleton<SessionReconciler>();
        services.AddHostedService<ReconciliationService>();
        services.AddOptions<UserLogoutOptions>().Bind(configuration.GetSection(UserLogoutOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<UserLogoutOptions>, UserLogoutOptionsValidator>();
        services.AddSingleton<UserLogoutQueue>();
        services.AddSingleton<Logout.IAcceptedLogoutObserver>(sp => sp.GetRequiredService<UserLogoutQueue>());
        services.AddHostedService<UserLogoutWorker>();
        return services;
    }
}
