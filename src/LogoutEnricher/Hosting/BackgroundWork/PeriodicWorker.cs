using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Storage;

namespace LogoutEnricher.Hosting.BackgroundWork;

/// <summary>
/// The one shape of LogoutEnricher's background loops (purge, key rotation, reconciliation, the doctor, fan-out jobs):
/// a turn, then a wait of <see cref="Interval"/> (cut short by a <see cref="WakeSignal{TWorker}"/> when the worker has
/// one, skipped when the turn says there is more to do). A store failure in a turn is reported through
/// <see cref="StoreFailures"/> (event 5003, with <see cref="StoreFailureConsequence"/>) and the turn is tried again
/// after the interval; anything unexpected is logged (event 10020) and does not stop the loop. Leases are taken with
/// the one <see cref="ReplicaIdentity"/>.
/// </summary>
internal abstract partial class PeriodicWorker(StoreFailures failures, TimeProvider timeProvider, ILogger logger) : BackgroundService
{
    /// <summary>The clock every turn reads.</summary>
    protected TimeProvider Time { get; } = timeProvider;

    /// <summary>Where a store failure outside a turn (e.g. releasing a lease on stop) is reported.</summary>
    protected StoreFailures Failures { get; } = failures;

    /// <summary>The work's name: the <c>operation</c> label of a store failure, and the name in logs.</summary>
    protected abstract string Name { get; }

    /// <summary>What a store failure in a turn costs, for the operator.</summary>
    protected abstract string StoreFailureConsequence { get; }

    /// <summary>How long to wait after a turn that left nothing to do now.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>Whether the worker runs at all in this configuration (checked once, at start).</summary>
    protected virtual bool Enabled => true;

    /// <summary>Whether the first turn waits one interval (periodic housekeeping) or runs at start.</summary>
    protected virtual bool WaitBeforeFirstTurn => false;

    /// <summary>Wakes the worker before its interval ends, or null.</summary>
    protected virtual Func<TimeSpan, CancellationToken, Task<bool>>? Wake => null;

    /// <summary>One turn.</summary>
    /// <returns>True when there is more to do at once (no wait).</returns>
    protected abstract Task<bool> RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>Called once when the host stops (after the last turn): give back what this replica holds.</summary>
    protected virtual Task OnStoppedAsync() => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            if (WaitBeforeFirstTurn)
            {
                await WaitAsync(stoppingToken);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await TurnAsync(stoppingToken))
                {
                    await WaitAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await OnStoppedAsync();
        }
    }

    /// <returns>Whether to run again at once.</returns>
    private async Task<bool> TurnAsync(CancellationToken stoppingToken)
    {
        try
        {
            var turn = await Failures.TryAsync(Name, StoreFailureConsequence, () => RunOnceAsync(stoppingToken));
            return turn.Succeeded && turn.Value;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogTurnFailed(logger, Name, exception.GetType().Name, exception.Message);
            return false;
        }
    }

    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        if (Wake is { } wake)
        {
            await wake(Interval, stoppingToken);
        }
        else
        {
            await Task.Delay(Interval, Time, stoppingToken);
        }
    }

    [LoggerMessage(EventId = EventIds.BackgroundTurnFailed, EventName = nameof(EventIds.BackgroundTurnFailed), Level = LogLevel.Error,
        Message = "Background work {Work} failed unexpectedly ({ExceptionType}: {ErrorMessage}); it runs again after its interval")]
    private static partial void LogTurnFailed(ILogger logger, string work, string exceptionType, string errorMessage);
}
