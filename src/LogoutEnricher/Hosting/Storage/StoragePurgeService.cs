using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.Storage;

/// <summary>Deletes expired mappings and replay entries every <c>Storage:PurgeInterval</c>.</summary>
internal sealed partial class StoragePurgeService(
    ProtectedSessionStore sessions,
    IReplayCache replayCache,
    IOptions<StorageOptions> options,
    TimeProvider timeProvider,
    StoreFailures failures,
    ILogger<StoragePurgeService> logger) : PeriodicWorker(failures, timeProvider, logger)
{
    protected override string Name => "purge";

    protected override string StoreFailureConsequence => "expired rows stay until the next purge";

    protected override TimeSpan Interval => options.Value.PurgeInterval;

    protected override bool WaitBeforeFirstTurn => true;

    protected override async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var mappings = await sessions.PurgeExpiredAsync(now, cancellationToken);
        var replays = await replayCache.PurgeExpiredAsync(now, cancellationToken);
        LogPurged(logger, mappings, replays);
        return false;
    }

    [LoggerMessage(EventId = EventIds.StoragePurged, EventName = nameof(EventIds.StoragePurged), Level = LogLevel.Debug, Message = "Purged {Mappings} expired mappings and {Replays} replay entries")]
    private static partial void LogPurged(ILogger logger, int mappings, int replays);
}
