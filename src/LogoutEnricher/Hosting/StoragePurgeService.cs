using LogoutEnricher.Storage;
using LogoutEnricher.Telemetry;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting;

/// <summary>Deletes expired mappings and replay entries every <c>Storage:PurgeInterval</c>.</summary>
internal sealed partial class StoragePurgeService(
    ISessionStore sessions,
    IReplayCache replayCache,
    IOptions<LogoutEnricherOptions> options,
    TimeProvider timeProvider,
    LogoutEnricherMetrics metrics,
    ILogger<StoragePurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Storage.PurgeInterval, timeProvider);
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
                LogPurgeFailed(logger, exception.Message);
                metrics.StoreFailed("purge");
            }
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "Purged {Mappings} expired mappings and {Replays} replay entries")]
    private static partial void LogPurged(ILogger logger, int mappings, int replays);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Purge failed: {ErrorMessage}")]
    private static partial void LogPurgeFailed(ILogger logger, string errorMessage);
}
