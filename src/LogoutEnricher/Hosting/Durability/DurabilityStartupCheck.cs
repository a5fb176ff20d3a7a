using LogoutEnricher.Hosting.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.Durability;

/// <summary>
/// Reads the backend's durability settings once the schema is migrated: logs what a power loss can take, warns loudly
/// on every setting that loses acknowledged writes, and refuses to start on a fatal one unless allowed.
/// </summary>
internal sealed class DurabilityStartupCheck(DurabilityMonitor monitor, IOptions<DurabilityOptions> options, ILogger<DurabilityStartupCheck> logger) : IHostedService
{
    // Note: a backend that does not answer at startup is readiness's concern (the storage check); this one must not
    // hold the start-up for longer than a round trip or two.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        LogoutEnricher.Storage.StorageDurability reading;
        try
        {
            var read = await StoreFailures.CatchAsync(() => monitor.GetAsync(cancellationToken)).WaitAsync(Timeout, cancellationToken);
            if (read.Failure is { } failure)
            {
                DurabilityLog.StorageDurabilityCheckFailed(logger, failure.Message);
                return;
            }

            reading = read.Value!;
        }
        catch (TimeoutException exception)
        {
            DurabilityLog.StorageDurabilityCheckFailed(logger, exception.Message);
            return;
        }

        if (reading.IsDurable)
        {
            DurabilityLog.StorageDurabilityConfirmed(logger, DurabilityMonitor.Describe(reading), reading.Window);
            return;
        }

        foreach (var finding in reading.Findings)
        {
            if (finding.Fatal && !options.Value.AllowNotDurable)
            {
                DurabilityLog.StorageNotDurableRefused(logger, finding.Setting, finding.Value, finding.Advice);
                throw new InvalidOperationException(
                    $"Storage is not durable: {finding.Setting}={finding.Value}. {finding.Advice} To start anyway, set {DurabilityOptions.SectionName}:AllowNotDurable=true.");
            }

            DurabilityLog.StorageNotDurable(logger, finding.Setting, finding.Value, finding.Advice, reading.Window);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
