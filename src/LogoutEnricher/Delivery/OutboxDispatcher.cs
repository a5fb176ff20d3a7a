using System.Collections.Concurrent;
using LogoutEnricher.Delivery.Formats;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery;

/// <summary>
/// Delivers the outbox: leases due entries under this replica's owner id, delivers each with a per-attempt timeout and
/// at most <c>Delivery:MaxParallelismPerClient</c> exchanges at a time per application, and completes, reschedules or
/// dead-letters it. Runs in both modes, so entries queued before a switch to Synchronous are still delivered.
/// </summary>
internal sealed partial class OutboxDispatcher(
    IOutboxStore outbox,
    LogoutCompletion completion,
    IssuerRegistry registry,
    OutboxPayloadProtector payloads,
    LogoutDeliverer deliverer,
    LogoutFormats formats,
    WakeSignal<OutboxDispatcher> signal,
    DispatcherStatistics statistics,
    StoreFailures failures,
    IOptions<DeliveryOptions> options,
    ReplicaIdentity identity,
    TimeProvider timeProvider,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<(string Issuer, string ClientId), SemaphoreSlim> _clientGates = new();
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private SemaphoreSlim? _slots;
    private volatile bool _backlog;
    private int _finishedSinceLease;
    private (string Issuer, string ClientId)? _crowded;

    private readonly Dictionary<(string Issuer, string ClientId), int> _startedPerClient = [];

    /// <summary>
    /// This replica's <see cref="ReplicaIdentity"/>: stable across restarts (configured, or persisted in the data
    /// directory), yet never shared by two running replicas (or two hosts in one test).
    /// </summary>
    public string Owner => identity.Owner;

    private DeliveryOptions Settings => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(Settings.MaxParallelism, Settings.MaxParallelism);
        _slots = slots;
        LogDispatcherStarted(logger, Owner);
        try
        {
            await TakeBackOwnLeasesAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await LeaseAndStartAsync(slots, stoppingToken))
                {
                    await signal.WaitAsync(Settings.PollInterval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the running deliveries see the same token and release their leases.
        }

        await Task.WhenAll(_running.Values);
    }

    /// <returns>True when every free slot got an entry: more may be due, so look again at once.</returns>
    private async Task<bool> LeaseAndStartAsync(SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        // Note: only what can start now is leased: free slots, and no more than the configured clients have room for;
        // after a lease had to hand back entries of a crowded client (a fan-out's), no more than that client has room
        // for, since the oldest due entries are most likely its own again.
        var free = Math.Min(slots.CurrentCount, RoomForClients());
        if (_crowded is { } crowded)
        {
            free = Math.Min(free, Math.Max(1, RoomFor(crowded)));
        }

        if (free == 0)
        {
            _backlog = true;
            return false;
        }

        Volatile.Write(ref _finishedSinceLease, 0);
        // Note: the lease is taken to end LeaseDuration after this instant, before the store call, so the local view of
        // its end is never later than the store's.
        var leasedUntil = timeProvider.GetUtcNow() + Settings.LeaseDuration;
        var leased = await failures.TryAsync("outbox", "nothing leased; the next poll tries again",
            () => outbox.LeaseAsync(Owner, free, Settings.LeaseDuration, stoppingToken));
        if (leased.Value is not { } entries)
        {
            return false;
        }

        var handBack = new List<OutboxEntry>();
        foreach (var entry in entries)
        {
            if (!TryReserveClientSlot(entry))
            {
                // Note: its client already has as many entries leased here as it may (LeasedPerClient); holding one more
                // would make a crash hold it back for a whole lease, and could starve the other clients. Hand it back.
                handBack.Add(entry);
                continue;
            }

            await slots.WaitAsync(stoppingToken);
            _running[entry.Id] = RunAsync(entry, leasedUntil, stoppingToken);
        }

        // Note: together, so that they share the store's commits.
        await Task.WhenAll(handBack.Select(ReleaseAsync));
        var handedBack = handBack.Count;
        _crowded = handedBack > 0 ? (handBack[^1].Issuer, handBack[^1].ClientId) : null;
        _backlog = entries.Count == free;
        // Note: with entries handed back, leasing again at once would get the same ones; a finished delivery (which
        // signals while there is a backlog) or the poll interval wakes the loop instead.
        return _backlog && handedBack == 0;
    }

    /// <summary>
    /// The application's gate: at most <c>Delivery:MaxParallelismPerClient</c> exchanges with it at a time. Only the
    /// HTTP exchange holds it; the bookkeeping after it (a durable write) does not, so the next delivery to the same
    /// application never waits for the previous one's fsync.
    /// </summary>
    private SemaphoreSlim GateOf(OutboxEntry entry) =>
        _clientGates.GetOrAdd((entry.Issuer, entry.ClientId), _ => new SemaphoreSlim(Settings.MaxParallelismPerClient));

    private async Task RunAsync(OutboxEntry entry, DateTimeOffset leasedUntil, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            // Note: on a store failure the lease runs out and the entry is tried again, by this replica or another.
            await failures.TryAsync("outbox", "the delivery outcome was not recorded; the entry is tried again when its lease runs out",
                () => AttemptAsync(entry, leasedUntil, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await ReleaseAsync(entry);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Note: a defect, never an expected outcome; said out loud rather than lost in an unobserved task. The
            // lease runs out and the entry is tried again.
            LogAttemptFailedUnexpectedly(logger, entry.ClientId, entry.Id, exception.GetType().Name, exception.Message);
        }
        finally
        {
            ReleaseClientSlot(entry);
            _running.TryRemove(entry.Id, out _);
            _slots?.Release();
            // Note: with a backlog, the loop leases again once a client's worth of deliveries has finished (or the
            // last one running has): one lease write for several entries, not one per entry.
            if (_backlog && (Interlocked.Increment(ref _finishedSinceLease) >= Settings.MaxParallelismPerClient || _running.IsEmpty))
            {
                signal.Notify();
            }
        }
    }
}
