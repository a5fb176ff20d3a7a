namespace LogoutEnricher.Storage;

/// <summary>
/// Session mappings: (issuer, client, sid) to the application's session ids, with a secondary index by subject.
/// </summary>
public interface ISessionStore
{
    /// <summary>
    /// Creates the mapping or adds to it. Application sessions already present (same <see cref="AppSession.Handle"/>)
    /// are kept once; the expiry only ever moves forward; a non-null subject replaces a null one.
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

    /// <summary>Deletes mappings that expired before <paramref name="now"/>; returns how many went.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
