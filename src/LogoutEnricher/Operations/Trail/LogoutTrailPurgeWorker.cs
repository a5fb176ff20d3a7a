using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.Trail;

/// <summary>Keeps the logout trail within <c>Trail:Retention</c> and <c>Trail:MaxRecords</c>, every <c>Trail:PurgeInterval</c>.</summary>
internal sealed partial class LogoutTrailPurgeWorker(
    IOptions<LogoutTrailOptions> options,
    ILogoutTrailStore store,
    StoreFailures failures,
    TimeProvider timeProvider,
    ILogger<LogoutTrailPurgeWorker> logger) : PeriodicWorker(failures, timeProvider, logger)
{
    protected override string Name => "trail_purge";

    protected override string StoreFailureConsequence => "old logout trail records stay until the next purge";

    protected override TimeSpan Interval => options.Value.PurgeInterval;

    protected override async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var purged = await store.PurgeAsync(Time.GetUtcNow() - settings.Retention, settings.MaxRecords, cancellationToken);
        if (purged > 0)
        {
            LogTrailPurged(logger, purged);
        }

        // Note: a full batch means there may be more: go on at once.
        return purged >= LogoutTrailPurge.BatchSize;
    }

    [LoggerMessage(EventId = EventIds.TrailPurged, EventName = nameof(EventIds.TrailPurged), Level = LogLevel.Debug, Message = "Purged {Count} logouts from the logout trail")]
    private static partial void LogTrailPurged(ILogger logger, int count);
}
