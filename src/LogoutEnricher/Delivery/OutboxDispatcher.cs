using System.Collections.Concurrent;
using LogoutEnricher.Hosting;
using LogoutEnricher.Providers;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery;

/// <summary>
/// Delivers the outbox: leases due entries under this replica's owner id, delivers each with a per-attempt timeout and
/// at most <c>Delivery:MaxParallelismPerClient</c> at a time per application, and completes, reschedules or dead-letters
/// it. Runs in both modes, so entries queued before a switch to Synchronous are still delivered.
/// </summary>
internal sealed partial class OutboxDispatcher(
    IOutboxStore outbox,
    ISessionStore sessions,
    IssuerRegistry registry,
    OutboxPayloadProtector payloads,
    LogoutDeliverer deliverer,
    OutboxSignal signal,
    DispatcherStatistics statistics,
    IOptions<LogoutEnricherOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<(string Issuer, string ClientId), SemaphoreSlim> _clientGates = new();
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private SemaphoreSlim? _slots;
    private volatile bool _backlog;

    /// <summary>Unique per process and host instance, so that two replicas (or two hosts in one test) never share leases.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    private DeliveryOptions Settings => options.Value.Delivery;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(Settings.MaxParallelism, Settings.MaxParallelism);
        _slots = slots;
        LogDispatcherStarted(logger, Owner);
        try
        {
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
        var free = slots.CurrentCount;
        if (free == 0)
        {
            _backlog = true;
            return false;
        }

        // Note: the lease is taken to end LeaseDuration after this instant, before the store call, so the local view of
        // its end is never later than the store's.
        var leasedUntil = timeProvider.GetUtcNow() + Settings.LeaseDuration;
        IReadOnlyList<OutboxEntry> entries;
        try
        {
            entries = await outbox.LeaseAsync(Owner, free, Settings.LeaseDuration, stoppingToken);
        }
        catch (StorageUnavailableException exception)
        {
            LogStoreFailed(logger, "lease", exception.Message);
            return false;
        }

        foreach (var entry in entries)
        {
            await slots.WaitAsync(stoppingToken);
            _running[entry.Id] = RunAsync(entry, leasedUntil, stoppingToken);
        }

        _backlog = entries.Count == free;
        return _backlog;
    }

    private async Task RunAsync(OutboxEntry entry, DateTimeOffset leasedUntil, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var gate = _clientGates.GetOrAdd((entry.Issuer, entry.ClientId), _ => new SemaphoreSlim(Settings.MaxParallelismPerClient));
            await gate.WaitAsync(stoppingToken);
            try
            {
                await AttemptAsync(entry, leasedUntil, stoppingToken);
            }
            finally
            {
                gate.Release();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await ReleaseAsync(entry);
        }
        catch (StorageUnavailableException exception)
        {
            // Note: the lease runs out and the entry is tried again, by this replica or another.
            LogStoreFailed(logger, "record a delivery", exception.Message);
        }
        finally
        {
            _running.TryRemove(entry.Id, out _);
            _slots?.Release();
            if (_backlog)
            {
                signal.Notify();
            }
        }
    }
}
