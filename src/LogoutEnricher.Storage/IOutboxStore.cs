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
}
