using System.Collections.Concurrent;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogoutEnricher.Operations.Health;

/// <summary>
/// Logs readiness when it changes, not on every probe: a load balancer probing every few seconds while a provider is
/// down yields one Warning when the check turns unhealthy (with its reason) and one Information when it recovers.
/// </summary>
internal sealed partial class ReadinessTransitions(ILogger<ReadinessTransitions> logger)
{
    private readonly ConcurrentDictionary<string, (HealthStatus Status, string? Reason)> _last = new(StringComparer.Ordinal);

    public void Observe(HealthReport report)
    {
        foreach (var (name, entry) in report.Entries)
        {
            var now = (entry.Status, entry.Description);
            var seen = _last.TryGetValue(name, out var before);
            if (seen && before.Status == now.Status && (now.Status == HealthStatus.Healthy || before.Reason == now.Description))
            {
                continue;
            }

            _last[name] = now;
            if (entry.Status == HealthStatus.Healthy)
            {
                if (seen)
                {
                    LogCheckRecovered(logger, name, entry.Description ?? "");
                }
            }
            else
            {
                LogCheckFailing(logger, name, entry.Status, entry.Description ?? entry.Exception?.Message ?? "");
            }
        }
    }

    [LoggerMessage(EventId = EventIds.ReadinessCheckFailing, EventName = nameof(EventIds.ReadinessCheckFailing), Level = LogLevel.Warning,
        Message = "Readiness check {Check} is {Status}: {Reason}")]
    private static partial void LogCheckFailing(ILogger logger, string check, HealthStatus status, string reason);

    [LoggerMessage(EventId = EventIds.ReadinessCheckRecovered, EventName = nameof(EventIds.ReadinessCheckRecovered), Level = LogLevel.Information,
        Message = "Readiness check {Check} is Healthy again: {Reason}")]
    private static partial void LogCheckRecovered(ILogger logger, string check, string reason);
}
