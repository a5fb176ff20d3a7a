using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogoutEnricher.Hosting.Durability;

/// <summary>
/// Readiness detail: Healthy when every acknowledged write is durable, Degraded (still ready: the sidecar works, it
/// just may lose acknowledged work on power loss) with the settings and the advice otherwise.
/// </summary>
internal sealed class DurabilityHealthCheck(DurabilityMonitor monitor) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Note: an unreachable store fails the "storage" check already; this one only reports durability.
        var read = await StoreFailures.CatchAsync(() => monitor.GetAsync(cancellationToken));
        if (read.Value is not { } reading)
        {
            return HealthCheckResult.Degraded("durability unknown: " + read.Failure?.Message);
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["window"] = reading.Window };
        foreach (var (name, value) in reading.Settings)
        {
            data[name] = value;
        }

        return reading.IsDurable
            ? HealthCheckResult.Healthy("acknowledged writes are durable; a power loss can take: " + reading.Window, data)
            : HealthCheckResult.Degraded(
                "NOT DURABLE: " + string.Join(" ", reading.Findings.Select(f => $"{f.Setting}={f.Value}: {f.Advice}")) + " A power loss can take: " + reading.Window,
                data: data);
    }
}
