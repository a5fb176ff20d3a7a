namespace LogoutEnricher.Storage;

/// <summary>
/// Durable fan-out jobs. A job is worked by one replica at a time under a lease; the lease is renewed with every
/// cursor advance, and a replica that dies loses it when it runs out, so another one resumes from the stored cursor.
/// </summary>
public interface IFanOutJobStore
{
    /// <summary>Stores a new pending job; false (nothing changed) when a job with its id exists already (a replay).</summary>
    Task<bool> TryCreateAsync(FanOutJob job, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases the oldest pending job whose lease is free (never leased, or run out) to <paramref name="owner"/> for
    /// <paramref name="leaseDuration"/>; null when there is none. Atomic across replicas.
    /// </summary>
    Task<FanOutJob?> LeaseAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records progress (cursor and total sessions queued) and renews the lease; false when <paramref name="owner"/>
    /// no longer holds it (it ran out and another replica took the job): the caller must stop working it.
    /// </summary>
    Task<bool> AdvanceAsync(string id, string owner, string cursor, long sessions, TimeSpan leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>Ends the job as <see cref="FanOutJobState.Done"/> or <see cref="FanOutJobState.Failed"/>; false when the lease was lost.</summary>
    Task<bool> FinishAsync(string id, string owner, FanOutJobState state, string? error, CancellationToken cancellationToken = default);

    /// <summary>The job with this id, or null.</summary>
    Task<FanOutJob?> FindAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The most recent jobs, newest first.</summary>
    Task<IReadOnlyList<FanOutJob>> ListAsync(int maxCount, CancellationToken cancellationToken = default);

    Task<FanOutJobCounts> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes finished (done or failed) jobs last updated before <paramref name="before"/>; returns how many went.</summary>
    Task<int> PurgeFinishedAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
