namespace LogoutEnricher.Delivery;

/// <summary>
/// What this replica's dispatcher did since it started: read by tests and benchmarks, and the figures an operator
/// compares with the application's view (duplicates can only come from <see cref="LeaseOverruns"/> and crashes).
/// </summary>
internal sealed class DispatcherStatistics
{
    private long _attempts;
    private long _delivered;
    private long _retried;
    private long _deadLettered;
    private long _leaseOverruns;

    public long Attempts => Interlocked.Read(ref _attempts);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Retried => Interlocked.Read(ref _retried);

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Attempts that ended after their lease had expired: another replica may have made the same delivery.</summary>
    public long LeaseOverruns => Interlocked.Read(ref _leaseOverruns);

    internal void CountAttempt(bool leaseOverrun)
    {
        Interlocked.Increment(ref _attempts);
        if (leaseOverrun)
        {
            Interlocked.Increment(ref _leaseOverruns);
        }
    }

    internal void CountDelivered() => Interlocked.Increment(ref _delivered);

    internal void CountRetried() => Interlocked.Increment(ref _retried);

    internal void CountDeadLettered() => Interlocked.Increment(ref _deadLettered);
}
