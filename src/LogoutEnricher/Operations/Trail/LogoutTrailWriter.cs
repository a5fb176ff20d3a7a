using System.Threading.Channels;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Logout;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.Trail;

/// <summary>
/// Writes the logout trail from the audit events: each event becomes a record in a bounded in-memory queue (never a
/// wait on the logout's path), and this worker appends what is queued in batches, one store call per batch. A store
/// failure is reported through <see cref="StoreFailures"/> and the batch is tried again; a full queue drops the new
/// record (event 10040) rather than slow logouts down.
/// </summary>
/// <remarks>
/// Note: nothing in clear reaches the store: the sid as the audit log's hash, the subject as its keyed lookup hash
/// and an encrypted copy (the purposes of the session store, ADR 0019), no application session id at all.
/// </remarks>
internal sealed partial class LogoutTrailWriter(
    IOptions<LogoutTrailOptions> options,
    ILogoutTrailStore store,
    ISessionIdentityProtector protector,
    WakeSignal<LogoutTrailWriter> signal,
    StoreFailures failures,
    TimeProvider timeProvider,
    ILogger<LogoutTrailWriter> logger) : PeriodicWorker(failures, timeProvider, logger), IAuditObserver
{
    private const int BatchSize = 500;

    private readonly Channel<object> _queue = Channel.CreateBounded<object>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly List<object> _batch = [];

    private long _dropped;

    protected override string Name => "trail";

    protected override string StoreFailureConsequence => "the logout trail lags behind; the batch is written again";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(1);

    protected override Func<TimeSpan, CancellationToken, Task<bool>>? Wake => signal.WaitAsync;

    public void SessionCaptured(string issuer, string clientId, string sidHash, string? subject)
    {
    }

    public void LogoutProcessed(ProcessedLogout logout)
    {
        var outcome = logout.Outcome switch
        {
            LogoutOutcome.Delivered => TrailOutcome.Delivered,
            LogoutOutcome.DeliveryFailed => TrailOutcome.Failed,
            LogoutOutcome.NothingToDo => TrailOutcome.NothingToDo,
            _ => TrailOutcome.Queued,
        };
        Enqueue(new TrailLogout(
            logout.TrailId,
            logout.AcceptedAt,
            logout.Issuer,
            logout.ClientId,
            logout.Source.Name(),
            logout.Reason,
            logout.SidHash,
            logout.Subject is { } subject ? protector.Lookups(ProtectedSessionStore.SubjectPurpose, subject)[0] : null,
            logout.Subject is { } clear ? protector.Protect(ProtectedSessionStore.SubjectPurpose, clear) : null,
            logout.AppSessionCount,
            outcome));
    }

    public void LogoutDelivered(DeliveredAttempt attempt)
    {
        if (attempt.Trail is not { } trail)
        {
            return;
        }

        var result = attempt.Result;
        var outcome = result.Succeeded ? TrailOutcome.Delivered : result.IsTransient && trail.MayRetry ? TrailOutcome.Retrying : TrailOutcome.Failed;
        Enqueue(new TrailAttempt(trail.TrailId, trail.Sequence, trail.Number, Time.GetUtcNow(), result.StatusCode, result.Error, result.Elapsed, outcome));
    }

    protected override async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        if (Interlocked.Exchange(ref _dropped, 0) is var dropped and > 0)
        {
            LogTrailWritesDropped(logger, dropped, options.Value.QueueCapacity);
        }

        return _queue.Reader.Count > 0;
    }

    /// <summary>Writes what is queued before the host stops (a clean restart loses nothing).</summary>
    protected override Task OnStoppedAsync() =>
        Failures.TryAsync(Name, "the last logout trail writes before the stop were lost", () => FlushAsync(CancellationToken.None));

    /// <summary>Writes one batch; the batch stays for the next turn when the store fails.</summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (_batch.Count < BatchSize && _queue.Reader.TryRead(out var item))
        {
            _batch.Add(item);
        }

        if (_batch.Count == 0)
        {
            return;
        }

        // Note: logouts first, so an attempt of a logout in the same batch finds it (the store copes either way).
        await store.AppendAsync([.. _batch.OfType<TrailLogout>()], [.. _batch.OfType<TrailAttempt>()], cancellationToken);
        _batch.Clear();
    }

    private void Enqueue(object record)
    {
        if (_queue.Writer.TryWrite(record))
        {
            signal.Notify();
        }
        else
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    [LoggerMessage(EventId = EventIds.TrailWritesDropped, EventName = nameof(EventIds.TrailWritesDropped), Level = LogLevel.Warning,
        Message = "{Count} logout trail records were dropped: more than {Capacity} waited for the store (Trail:QueueCapacity); the logouts themselves were not affected")]
    private static partial void LogTrailWritesDropped(ILogger logger, long count, int capacity);
}
