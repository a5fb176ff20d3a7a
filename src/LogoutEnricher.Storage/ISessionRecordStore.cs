namespace LogoutEnricher.Storage;

/// <summary>
/// What a backend implements for session mappings: the same operations as <see cref="ProtectedSessionStore"/>, but every sid
/// and subject it receives is already a lookup hash (compared for equality and ordered, never read) and the values
/// themselves arrive encrypted as a <see cref="ProtectedIdentity"/>. <see cref="ProtectedSessionStore"/> is the one
/// place that hashes and encrypts; a backend never holds a provider sid or subject in clear.
/// </summary>
public interface ISessionRecordStore
{
    /// <summary>
    /// As <see cref="ProtectedSessionStore.AddAsync"/>; <paramref name="identity"/> is stored with the mapping: its sid
    /// replaces the stored one, its subject replaces the stored one only when not null (as the subject hash does).
    /// </summary>
    Task AddAsync(SessionKey key, string? subject, ProtectedIdentity identity, IReadOnlyCollection<AppSession> sessions, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="ProtectedSessionStore.FindAsync"/>, with <see cref="SessionMapping.Protected"/> set.</summary>
    Task<SessionMapping?> FindAsync(SessionKey key, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="ProtectedSessionStore.FindBySubjectAsync"/>, with <see cref="SessionMapping.Protected"/> set.</summary>
    Task<IReadOnlyList<SessionMapping>> FindBySubjectAsync(string issuer, string clientId, string subject, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="ProtectedSessionStore.RemoveAsync"/>.</summary>
    Task RemoveAsync(SessionKey key, IReadOnlyCollection<string> sessionHandles, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="ProtectedSessionStore.ListAsync"/>, with <see cref="CapturedSession.Protected"/> set.</summary>
    IAsyncEnumerable<CapturedSession> ListAsync(string issuer, string clientId, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="ProtectedSessionStore.ListByClientAsync"/>: ordered by the stored (hashed) sid, ordinal.</summary>
    Task<IReadOnlyList<SessionMapping>> ListByClientAsync(
        string issuer, string clientId, string? afterSid, DateTimeOffset capturedBefore, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="ProtectedSessionStore.PurgeExpiredAsync"/>.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="maxCount"/> mappings written before sid and subject were hashed (their values in clear),
    /// expired or not; empty once none is left.
    /// </summary>
    Task<IReadOnlyList<UnprotectedSession>> ListUnprotectedAsync(int maxCount, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically moves the unprotected mapping <paramref name="existing"/> (its app sessions, capture times and
    /// expiry) to <paramref name="key"/> with <paramref name="subject"/> and <paramref name="identity"/>, merging into a
    /// mapping already there as <see cref="AddAsync"/> would, and deletes the old one. Does nothing when
    /// <paramref name="existing"/> is gone (another replica moved it first).
    /// </summary>
    Task ProtectAsync(UnprotectedSession existing, SessionKey key, string? subject, ProtectedIdentity identity, CancellationToken cancellationToken = default);
}
