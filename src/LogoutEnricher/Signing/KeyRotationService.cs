using LogoutEnricher.Hosting;
using LogoutEnricher.Storage;
using LogoutEnricher.Telemetry;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Signing;

/// <summary>
/// Re-reads the shared key store every <c>Signing:RefreshInterval</c>: creates the next key when it is due, adopts a
/// key another replica created, and drops keys whose grace period ended. Off with <c>Signing:KeyFile</c>.
/// </summary>
internal sealed partial class KeyRotationService(
    SigningKeyProvider keys,
    IOptions<KeyRotationOptions> rotation,
    IOptions<LogoutEnricherOptions> options,
    TimeProvider timeProvider,
    LogoutEnricherMetrics metrics,
    ILogger<KeyRotationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!string.IsNullOrEmpty(options.Value.Signing.KeyFile))
        {
            return;
        }

        using var timer = new PeriodicTimer(rotation.Value.RefreshInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await keys.RefreshAsync(stoppingToken);
            }
            catch (StorageUnavailableException exception)
            {
                // Note: the keys in memory keep signing; the next tick tries again.
                metrics.StoreFailed("signing_keys");
                LogRefreshFailed(logger, exception.Message);
            }
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Signing keys could not be refreshed from the store: {ErrorMessage}")]
    private static partial void LogRefreshFailed(ILogger logger, string errorMessage);
}
