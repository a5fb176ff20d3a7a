using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery.Signing;

/// <summary>
/// Re-reads the shared key store every <c>Signing:RefreshInterval</c>: creates the next key when it is due, adopts a
/// key another replica created, and drops keys whose grace period ended. Off with <c>Signing:KeyFile</c>.
/// </summary>
internal sealed class KeyRotationService(
    SigningKeyProvider keys,
    IOptions<SigningOptions> options,
    TimeProvider timeProvider,
    StoreFailures failures) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!string.IsNullOrEmpty(options.Value.KeyFile))
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.RefreshInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await keys.RefreshAsync(stoppingToken);
            }
            catch (StorageUnavailableException exception)
            {
                failures.Report("signing_keys", exception, "the keys in memory keep signing; the next tick tries again");
            }
        }
    }

}
