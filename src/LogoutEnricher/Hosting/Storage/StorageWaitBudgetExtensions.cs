using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.Storage;

internal static class StorageWaitBudgetExtensions
{
    /// <summary>
    /// Gives every request one budget (<see cref="StorageOptions.RequestWaitLimit"/>) for all its waits on a busy
    /// store, so a logout whose store is locked is answered <c>400 temporarily_unavailable</c> before Keycloak's 5 s
    /// socket timeout, however many store calls it makes.
    /// </summary>
    public static IApplicationBuilder UseStorageWaitBudget(this IApplicationBuilder app)
    {
        // Note: the options are read on the first request, not here: reading them while the pipeline is built would
        // validate the storage section alone and hide every other configuration mistake behind its failure.
        var options = app.ApplicationServices.GetRequiredService<IOptions<StorageOptions>>();
        return app.Use(async (context, next) =>
        {
            using (StorageWaitBudget.Begin(options.Value.RequestWaitLimit))
            {
                await next(context);
            }
        });
    }
}
