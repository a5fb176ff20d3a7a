using LogoutEnricher.Providers;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogoutEnricher.Hosting;

internal sealed class StorageHealthCheck(IStorageHealth storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (StorageUnavailableException exception)
        {
            return HealthCheckResult.Unhealthy("the store does not answer: " + exception.Message);
        }
    }
}

internal sealed class ProviderKeysHealthCheck(ProviderKeyCache keys) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(keys.AllLoaded ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("the keys of a configured issuer are not loaded yet"));
}
