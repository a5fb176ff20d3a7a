using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Operations.Telemetry;

/// <summary>
/// The outbox counts behind the gauges. A gauge callback is synchronous and runs on every scrape, so it returns the
/// last counts read and, when they are older than a few seconds, starts one background read: a scrape never waits
/// for the store, and a burst of scrapes costs the store one query. Nothing is read before the host has started: an
/// exporter may observe the gauges while the schema is still being created, and a "store failed" then would be a false
/// alarm (the gauges read zero until the first count).
/// </summary>
internal sealed class OutboxGauges(IServiceProvider services, TimeProvider timeProvider)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly IOutboxStore? _outbox = services.GetService<IOutboxStore>();
    private readonly IHostApplicationLifetime? _lifetime = services.GetService<IHostApplicationLifetime>();
    private OutboxCounts _counts;
    private long _readAt = long.MinValue;
    private int _reading;

    public OutboxCounts Read()
    {
        var now = timeProvider.GetTimestamp();
        if (_outbox is not null && HostStarted && (_readAt == long.MinValue || timeProvider.GetElapsedTime(Volatile.Read(ref _readAt), now) > MaxAge)
            && Interlocked.CompareExchange(ref _reading, 1, 0) == 0)
        {
            _ = RefreshAsync(_outbox);
        }

        return _counts;
    }

    private bool HostStarted => _lifetime?.ApplicationStarted.IsCancellationRequested ?? true;

    private async Task RefreshAsync(IOutboxStore outbox)
    {
        try
        {
            var read = await StoreFailures.CatchAsync(() => outbox.CountAsync());
            if (read.Failure is { } failure)
            {
                // Note: resolved here, not injected: StoreFailures counts through the metrics that own these gauges.
                services.GetService<StoreFailures>()?.Report("outbox_gauges", failure, "the outbox gauges keep their last value");
            }
            else
            {
                _counts = read.Value;
                Volatile.Write(ref _readAt, timeProvider.GetTimestamp());
            }
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }
}
