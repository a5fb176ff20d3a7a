using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Storage;
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
    StoreFailures failures,
    ILogger<KeyRotationService> logger) : PeriodicWorker(failures, timeProvider, logger)
{
    protected override string Name => "signing_keys";

    protected override string StoreFailureConsequence => "the keys in memory keep signing; the next turn tries again";

    protected override TimeSpan Interval => options.Value.RefreshInterval;

    protected override bool Enabled => string.IsNullOrEmpty(options.Value.KeyFile);

    protected override bool WaitBeforeFirstTurn => true;

    protected override async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        await keys.RefreshAsync(cancellationToken);
        return false;
    }
}
