using System.Globalization;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.SilentLogouts.KeycloakApi;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

/// <summary>
/// Runs the expiry event poll every <see cref="ReconciliationOptions.PollInterval"/> and a session reconciliation every
/// <see cref="ReconciliationOptions.Interval"/>, on one replica at a time: the one holding the lease in the store. The
/// time of the last cycle is stored too, so a replica taking the lease over keeps the rhythm.
/// </summary>
internal sealed partial class ReconciliationService(
    KeycloakAdminRealms realms,
    IReconciliationStore store,
    ExpiryEventPoller poller,
    SessionReconciler reconciler,
    ReconciliationMetrics metrics,
    ReplicaIdentity replica,
    IOptions<ReconciliationOptions> options,
    StoreFailures failures,
    TimeProvider timeProvider,
    ILogger<ReconciliationService> logger) : PeriodicWorker(failures, timeProvider, logger)
{
    public const string LeaseName = "reconciliation";
    private const string LastCycleCursor = "reconciliation|last-cycle";

    protected override string Name => "reconciliation";

    protected override string StoreFailureConsequence => "the turn is repeated after the poll interval; nothing Keycloak reported is skipped";

    protected override TimeSpan Interval => options.Value.PollInterval;

    protected override bool Enabled => realms.All.Count > 0 && (options.Value.ExpiryEvents || options.Value.Sessions);

    protected override async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        await TurnAsync(cancellationToken);
        return false;
    }

    protected override Task OnStoppedAsync() =>
        Failures.TryAsync(Name, "the lease runs out by itself", () => store.ReleaseLeaseAsync(LeaseName, replica.Owner, CancellationToken.None));

    /// <summary>One turn: take or renew the lease, poll events, and reconcile when a cycle is due.</summary>
    /// <exception cref="LogoutEnricher.Storage.StorageUnavailableException">The turn stopped; the next one repeats it.</exception>
    internal async Task TurnAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            if (!await store.TryAcquireLeaseAsync(LeaseName, replica.Owner, settings.LeaseDuration, cancellationToken))
            {
                return;
            }

            foreach (var realm in realms.All)
            {
                if (settings.ExpiryEvents)
                {
                    await PollAsync(realm, cancellationToken);
                }
            }

            if (settings.Sessions && await CycleDueAsync(cancellationToken))
            {
                foreach (var realm in realms.All)
                {
                    await reconciler.ReconcileAsync(realm, RenewLeaseAsync, cancellationToken);
                }
            }
        }
        catch (LeaseLostException)
        {
            LogLeaseLost(logger);
        }
        catch (KeycloakAdminException exception)
        {
            LogPollFailed(logger, "*", exception.Message);
        }
    }

    private async Task PollAsync(KeycloakRealmAdmin realm, CancellationToken cancellationToken)
    {
        try
        {
            await poller.PollAsync(realm, RenewLeaseAsync, cancellationToken);
            metrics.Ran("events", "decided");
        }
        catch (KeycloakAdminException exception)
        {
            metrics.Ran("events", "no_decision");
            LogPollFailed(logger, realm.Settings.Realm, exception.Message);
        }
    }

    private async Task<bool> CycleDueAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        var last = await store.GetCursorAsync(LastCycleCursor, cancellationToken);
        if (last is not null && long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var at)
            && now - at < (long)options.Value.Interval.TotalMilliseconds)
        {
            return false;
        }

        await store.SetCursorAsync(LastCycleCursor, now.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return true;
    }

    /// <summary>Keeps the lease while a long cycle runs; another replica holding it now stops this one at once.</summary>
    private async Task RenewLeaseAsync(CancellationToken cancellationToken)
    {
        if (!await store.TryAcquireLeaseAsync(LeaseName, replica.Owner, options.Value.LeaseDuration, cancellationToken))
        {
            throw new LeaseLostException();
        }
    }

    private sealed class LeaseLostException : Exception;

    [LoggerMessage(EventId = EventIds.ExpiryEventPollFailed, EventName = nameof(EventIds.ExpiryEventPollFailed), Level = LogLevel.Warning,
        Message = "USER_SESSION_DELETED events of realm {Realm} could not be read, the cursor stays and nothing is skipped: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string realm, string reason);


    [LoggerMessage(EventId = EventIds.ReconciliationLeaseLost, EventName = nameof(EventIds.ReconciliationLeaseLost), Level = LogLevel.Warning,
        Message = "The reconciliation lease was taken over by another replica during a cycle; this replica stopped its cycle")]
    private static partial void LogLeaseLost(ILogger logger);
}
