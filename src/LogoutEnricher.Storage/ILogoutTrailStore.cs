namespace LogoutEnricher.Storage;

/// <summary>
/// The durable logout trail: one record per logout the pipeline accepted (or answered), and one per delivery attempt,
/// shared by every replica on the store. Nothing it holds is a provider sid, subject or application session id in
/// clear (ADR 0019): the sid is hashed, the subject hashed for lookups and encrypted for display by the host.
/// </summary>
/// <remarks>
/// Note: attempts may reach the store before their logout (an inline delivery is attempted before the pipeline
/// answers, and the host writes in batches); a logout read back always reflects every attempt stored for its id.
/// </remarks>
public interface ILogoutTrailStore
{
    /// <summary>
    /// Stores the logouts (a logout already stored is kept as it is) and the attempts (an attempt already stored, same
    /// logout id and sequence, is kept once), then brings each touched logout's outcome, attempt count and delivered-at
    /// up to date. One round trip per call where the backend allows it.
    /// </summary>
    Task AppendAsync(IReadOnlyList<TrailLogout> logouts, IReadOnlyList<TrailAttempt> attempts, CancellationToken cancellationToken = default);

    /// <summary>The logouts matching <paramref name="query"/>, newest accepted first, at most <see cref="TrailQuery.Limit"/>.</summary>
    Task<IReadOnlyList<TrailLogout>> QueryAsync(TrailQuery query, CancellationToken cancellationToken = default);

    /// <summary>One logout, or null.</summary>
    Task<TrailLogout?> FindAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The attempts of one logout, oldest first.</summary>
    Task<IReadOnlyList<TrailAttempt>> AttemptsAsync(string logoutId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes logouts accepted before <paramref name="before"/>, then the oldest beyond <paramref name="maxRecords"/>,
    /// with their attempts (and attempts older than <paramref name="before"/> whose logout never came); returns how
    /// many logouts went. Deletes at most a bounded batch per call: call again while it returns a full batch.
    /// </summary>
    Task<int> PurgeAsync(DateTimeOffset before, int maxRecords, CancellationToken cancellationToken = default);
}

/// <summary>Bounds every backend's trail purge holds to.</summary>
public static class LogoutTrailPurge
{
    /// <summary>At most this many logouts go per <see cref="ILogoutTrailStore.PurgeAsync"/> call.</summary>
    public const int BatchSize = 1000;
}
