namespace LogoutEnricher.Storage;

/// <summary>
/// How long the current request may still wait for a busy store, in total over every store call it makes. The host
/// starts one budget per HTTP request; a backend that waits for a lock (SQLite's busy handler, the write gate) waits
/// no longer than what is left, then fails with <see cref="StorageUnavailableException"/>.
/// </summary>
/// <remarks>
/// Note: Keycloak gives up on a back-channel logout after 5 s (its socket timeout) and then records a failure, not our
/// <c>400 temporarily_unavailable</c>. Two store calls that each waited a full busy timeout answered after 10 s; one
/// budget per request keeps the sum below Keycloak's patience. Background work (dispatcher, purge) has no budget and
/// waits each call's own timeout.
/// </remarks>
public static class StorageWaitBudget
{
    private static readonly AsyncLocal<Budget?> Current = new();

    /// <summary>Starts a budget for the work that follows in this async flow; disposing it restores the previous one.</summary>
    public static IDisposable Begin(TimeSpan budget, TimeProvider timeProvider)
    {
        var previous = Current.Value;
        Current.Value = new Budget(timeProvider, timeProvider.GetTimestamp(), budget);
        return new Scope(previous);
    }

    /// <summary>What is left of the current budget (never negative), or null outside any budget.</summary>
    public static TimeSpan? Remaining => Current.Value is { } budget
        ? Max(TimeSpan.Zero, budget.Total - budget.Time.GetElapsedTime(budget.Started))
        : null;

    /// <summary><paramref name="wait"/>, or less when the current budget has less left.</summary>
    public static TimeSpan Limit(TimeSpan wait) => Remaining is { } left && left < wait ? left : wait;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed record Budget(TimeProvider Time, long Started, TimeSpan Total);

    private sealed class Scope(Budget? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
