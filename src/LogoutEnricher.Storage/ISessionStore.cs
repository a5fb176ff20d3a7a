namespace LogoutEnricher.Storage;

/// <summary>
/// Session mappings: (issuer, client, sid) to the application's session ids, with a secondary index by subject.
/// </summary>
public interface ISessionStore
{
    /// <summary>
    /// Creates the mapping or adds to it. Application sessions already present (same <see cref="AppSession.Handle"/>)
    /// are kept once (their capture time moves to now: see <see cref="ListByClientAsync"/>); the expiry only ever moves forward; a non-null subject replaces a null one.
    /// Must be atomic: concurrent adds to one key lose nothing.
    /// </summary>
    Task AddAsync(SessionKey key, string? subject, IReadOnlyCollection<AppSession> sessions, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The unexpired mapping for <paramref name="key"/>, or null.</summary>
    Task<SessionMapping?> FindAsync(SessionKey key, CancellationToken cancellationToken = default);

    /// <summary>Every unexpired mapping of <paramref name="subject"/> for one client of one issuer.</summary>
    Task<IReadOnlyList<SessionMapping>> FindBySubjectAsync(string issuer, string clientId, string subject, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the given application sessions from a mapping (the mapping goes once it has none left). Sessions
    /// captured after the logout was resolved survive: only what was delivered is removed.
    /// </summary>
    Task RemoveAsync(SessionKey key, IReadOnlyCollection<string> sessionHandles, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every unexpired mapping of one client of one issuer, streamed in pages so that memory stays flat however many
    /// there are. The order is the backend's; a mapping added or removed during the walk may or may not be seen.
    /// </summary>
    /// <remarks>
    /// Note: a default body so that test doubles written before reconciliation still compile; every backend
    /// implements it and the storage contract suite checks that.
    /// </remarks>
    IAsyncEnumerable<CapturedSession> ListAsync(string issuer, string clientId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} cannot list session mappings.");
    /// One page of a client's unexpired mappings in the store's keyset order (ordinal on <see cref="SessionMapping.Cursor"/>,
    /// the sid's stored lookup hash), starting after <paramref name="afterSid"/>, a previous page's last cursor (null:
    /// from the start): keyset pagination, so a fan-out never holds more than a page and survives mappings
    /// being added or removed meanwhile. Each mapping lists only the application sessions last captured before
    /// <paramref name="capturedBefore"/>; a mapping left with none is still returned (with an empty list) so the
    /// caller's cursor moves past it.
    /// </summary>
    Task<IReadOnlyList<SessionMapping>> ListByClientAsync(
        string issuer, string clientId, string? afterSid, DateTimeOffset capturedBefore, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Deletes mappings that expired before <paramref name="now"/>; returns how many went.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
