using LogoutEnricher.Diagnostics;
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
    ILogger<StoragePurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = timeProvider.GetUtcNow();
                var mappings = await sessions.PurgeExpiredAsync(now, stoppingToken);
                var replays = await replayCache.PurgeExpiredAsync(now, stoppingToken);
                LogPurged(logger, mappings, replays);
            }
            catch (StorageUnavailableException exception)
            {
                failures.Report("purge", exception, "expired rows stay until the next purge");
            }
        }
    }

    [LoggerMessage(EventId = EventIds.StoragePurged, EventName = nameof(EventIds.StoragePurged), Level = LogLevel.Debug, Message = "Purged {Mappings} expired mappings and {Replays} replay entries")]
    private static partial void LogPurged(ILogger logger, int mappings, int replays);
}
