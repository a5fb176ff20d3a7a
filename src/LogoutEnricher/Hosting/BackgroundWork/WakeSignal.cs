namespace LogoutEnricher.Hosting.BackgroundWork;

/// <summary>
/// Wakes one replica's background worker (<typeparamref name="TWorker"/>) when there is work for it now (a logout was
/// queued, a fan-out job accepted, a delivery slot freed), so latency does not wait for the next interval. Several
/// notifications before the worker wakes collapse into one.
/// </summary>
internal sealed class WakeSignal<TWorker> : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        // Note: under load the worker is busy and the signal already set; checking first spares the thrown
        // SemaphoreFullException (tens of microseconds) on almost every notification. The check races, the catch stays.
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
            // Already signalled: the worker will look once, which covers this notification too.
        }
    }

    /// <returns>True when notified, false when <paramref name="timeout"/> passed.</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _semaphore.Dispose();
}
