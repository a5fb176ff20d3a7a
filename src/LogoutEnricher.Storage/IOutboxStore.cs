namespace LogoutEnricher.Storage;

/// <summary>
/// The durable delivery outbox. Entries are leased by one dispatcher at a time: a lease that dies with its replica
/// expires and the entry is leased again, so delivery is at-least-once without double dispatch by design.
/// </summary>
public interface IOutboxStore
{
    /// <summary>Adds the entries of one logout atomically: all or none.</summary>
    Task EnqueueAsync(IReadOnlyCollection<OutboxEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases up to <paramref name="maxCount"/> entries that are due (<see cref="OutboxEntry.NextAttemptAt"/> ≤ now), not
    /// dead, and not leased (or whose lease expired), for <paramref name="leaseDuration"/>, to <paramref name="owner"/>.
    /// Atomic across replicas: no entry is leased to two owners at once. Oldest due first.
    /// </summary>
    Task<IReadOnlyList<OutboxEntry>> LeaseAsync(string owner, int maxCount, TimeSpan leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands back every lease <paramref name="owner"/> holds: its entries become leasable again at once, attempts and
    /// schedule unchanged. A replica restarted under its stable identity calls it before leasing, so the entries it
    /// held when it died need not wait for their leases to expire. Returns how many leases it released.
    /// </summary>
    Task<int> ReleaseLeasesAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>Removes a delivered entry.</summary>
    Task CompleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Releases the lease and schedules the next attempt.</summary>
    Task RescheduleAsync(string id, int attempts, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken = default);

    /// <summary>Moves the entry to the dead letters.</summary>
    Task DeadLetterAsync(string id, int attempts, string reason, CancellationToken cancellationToken = default);

    /// <summary>Dead letters, oldest first.</summary>
    Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Makes a dead letter pending again, due now; false when there is no such dead letter.</summary>
    Task<bool> RetryDeadLetterAsync(string id, CancellationToken cancellationToken = default);

    Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The pending (not dead) entry of one client that was accepted first (oldest <see cref="OutboxEntry.CreatedAt"/>,
    /// then lowest id), leased or not; null when the client has none. An index lookup, never a scan of the outbox: the
    /// operator console asks it for every configured client on every page view.
    /// </summary>
    Task<OutboxEntry?> FindOldestPendingAsync(string issuer, string clientId, CancellationToken cancellationToken = default);
}
