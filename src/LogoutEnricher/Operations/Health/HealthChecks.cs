using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogoutEnricher.Operations.Health;

/// <summary>Readiness of the store, naming which one (backend and address, never a password).</summary>
internal sealed class StorageHealthCheck(IStorageHealth storage, IServiceProvider services) : IHealthCheck
{
    private readonly string _store = services.GetRequiredService<StorageBackends>().Describe(services);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["store"] = _store };
        // Note: readiness reports the failure (and logs its transitions); it is not logged again on every probe.
        var ping = await StoreFailures.CatchAsync(async () =>
        {
            await storage.PingAsync(cancellationToken);
            return true;
        });
        return ping.Failure is { } failure
            ? HealthCheckResult.Unhealthy($"the store does not answer: {_store}: {failure.Message}", data: data)
            : HealthCheckResult.Healthy($"the store answers: {_store}", data);
    }
}

/// <summary>Readiness of the providers' keys: which issuer's keys are missing, and why the last fetch failed.</summary>
internal sealed class ProviderKeysHealthCheck(ProviderKeyCache keys, IssuerRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        var missing = new List<string>();
        foreach (var issuer in registry.Issuers.Keys)
        {
            var status = keys.StatusOf(issuer);
            data[issuer] = status switch
            {
                { Loaded: true, LastError: null } => $"{status.KeyCount} signing keys, read {status.FetchedAt:u}",
                { Loaded: true } => $"{status.KeyCount} cached signing keys in use, refresh failing: {status.LastError}",
                { LastError: { } error } => $"not loaded: {error}",
                _ => "not loaded yet",
            };
            if (!status.Loaded)
            {
                missing.Add($"{issuer}: {data[issuer]}");
            }
        }

        return Task.FromResult(missing.Count == 0
            ? HealthCheckResult.Healthy($"the keys of all {registry.Issuers.Count} issuers are loaded", data)
            : HealthCheckResult.Unhealthy("keys missing for " + string.Join("; ", missing), data: data));
    }
}
