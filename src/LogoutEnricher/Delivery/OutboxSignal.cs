namespace LogoutEnricher.Delivery;

/// <summary>
/// Wakes this replica's dispatcher when a logout was queued or a delivery slot freed, so latency does not wait for
/// the next poll. Several notifications before the dispatcher wakes collapse into one.
/// </summary>
internal sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        // Note: under load the dispatcher is busy and the signal already set; checking first spares the thrown
        // SemaphoreFullException (tens of microseconds) on almost every enqueue. The check races, the catch stays.
        if (_semaphore.CurrentCount > 0)
        {
            return;
        }

        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the dispatcher will look once, which covers this notification too.
        }
    }

    /// <returns>True when notified, false when <paramref name="timeout"/> passed.</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _semaphore.Dispose();
}
