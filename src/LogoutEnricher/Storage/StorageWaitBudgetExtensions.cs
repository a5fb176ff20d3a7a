using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage;

internal static class StorageWaitBudgetExtensions
{
    /// <summary>
    /// Gives every request one budget (<see cref="StorageOptions.RequestWaitLimit"/>) for all its waits on a busy
    /// store, so a logout whose store is locked is answered <c>400 temporarily_unavailable</c> before Keycloak's 5 s
    /// socket timeout, however many store calls it makes.
    /// </summary>
    public static IApplicationBuilder UseStorageWaitBudget(this IApplicationBuilder app)
    {
        var limit = app.ApplicationServices.GetRequiredService<IOptions<StorageOptions>>().Value.RequestWaitLimit;
        var timeProvider = app.ApplicationServices.GetRequiredService<TimeProvider>();
        return app.Use(async (context, next) =>
        {
            using (StorageWaitBudget.Begin(limit, timeProvider))
            {
                await next(context);
            }
        });
    }
}
