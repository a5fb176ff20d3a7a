namespace LogoutEnricher.Storage;

/// <summary>
/// How long a store call of the current request may wait for a busy store. The host starts one budget per HTTP
/// request; a backend that waits for a lock (SQLite's busy handler, the write gate) waits no longer than the budget,
/// then fails with <see cref="StorageUnavailableException"/>, and the request answers "unavailable" at once.
/// </summary>
/// <remarks>
/// Note: Keycloak gives up on a back-channel logout after 5 s (its socket timeout) and then records a failure, not our
/// <c>400 temporarily_unavailable</c>. With the store locked, the first call that waits fails after the budget and
/// the request stops there, so the answer comes within it. Note: the budget bounds waiting for the store, not the
/// request's whole time: a Synchronous logout that waited seconds for its application must still be able to record the
/// delivery (a budget measured from the request's start refused that write at once under load). Background work
/// (dispatcher, purge) has no budget and waits each call's own timeout.
/// </remarks>
public static class StorageWaitBudget
{
    private static readonly AsyncLocal<Budget?> Current = new();

    /// <summary>Starts a budget for the work that follows in this async flow; disposing it restores the previous one.</summary>
    public static IDisposable Begin(TimeSpan budget)
    {
        var previous = Current.Value;
        Current.Value = new Budget(budget);
        return new Scope(previous);
    }

    /// <summary>How long one store call of the current request may wait, or null outside any budget.</summary>
    public static TimeSpan? CallLimit => Current.Value?.Total;

    /// <summary>
    /// Whether the current store call is made for a request a client is waiting on (it runs under a budget), rather
    /// than for background work: backends serve such calls first.
    /// </summary>
    public static bool ForRequest => Current.Value is not null;

    /// <summary><paramref name="wait"/>, or the current budget when that is shorter.</summary>
    public static TimeSpan Limit(TimeSpan wait) => CallLimit is { } limit && limit < wait ? limit : wait;

    private sealed record Budget(TimeSpan Total);

    private sealed class Scope(Budget? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
