using System.Runtime.CompilerServices;

namespace LogoutEnricher.Storage;

/// <summary>
/// The session store every caller uses, over a backend's <see cref="ISessionRecordStore"/>: the one place
/// where a provider's sid and subject become keyed hashes (for lookups, ordering and indexes) and an encrypted copy
/// (for minting tokens and the admin views), and back. Nothing a backend writes holds either value in clear.
/// </summary>
/// <remarks>
/// Note: lookups try the hash under the current key, then under every previous key still configured (rollover), so a
/// row written before a key rollover is found for as long as its encrypted copy can be read; new rows use the current
/// key. One sid captured both before and after a rollover can therefore have two rows until the older expires:
/// <see cref="FindAsync"/> and <see cref="FindBySubjectAsync"/> merge them, a fan-out page lists each.
/// </remarks>
public sealed partial class ProtectedSessionStore(ISessionRecordStore records, ISessionIdentityProtector protector)
{
    /// <summary>The purpose (hash domain and encryption associated data) of a provider session id.</summary>
    public const string SidPurpose = "session-sid";

    /// <summary>The purpose of a provider subject.</summary>
    public const string SubjectPurpose = "session-subject";

    /// <summary>The lookup hashes of a sid: current key first.</summary>
    public IReadOnlyList<string> SidLookups(string sid) => protector.Lookups(SidPurpose, sid);

    /// <summary>The lookup hashes of a subject: current key first.</summary>
    public IReadOnlyList<string> SubjectLookups(string subject) => protector.Lookups(SubjectPurpose, subject);

    /// <summary>
    /// Creates the mapping or adds to it. Application sessions already present (same <see cref="AppSession.Handle"/>)
    /// are kept once (their capture time moves to now: see <see cref="ListByClientAsync"/>); the expiry only ever moves forward; a non-null subject replaces a null one.
    /// Must be atomic: concurrent adds to one key lose nothing.
    /// </summary>
    public Task AddAsync(SessionKey key, string? subject, IReadOnlyCollection<AppSession> sessions, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        records.AddAsync(Hashed(key), subject is null ? null : SubjectLookups(subject)[0], Protect(key.Sid, subject), sessions, expiresAt, cancellationToken);

    /// <summary>The unexpired mapping for <paramref name="key"/>, or null.</summary>
    public async Task<SessionMapping?> FindAsync(SessionKey key, CancellationToken cancellationToken = default)
    {
        SessionMapping? found = null;
        foreach (var lookup in SidLookups(key.Sid))
        {
            if (await records.FindAsync(key with { Sid = lookup }, cancellationToken) is { } record)
            {
                // Note: the caller named the sid, so only the subject is decrypted.
                var mapping = Reveal(record, key.Sid);
                found = found is null ? mapping : Merge(found, mapping);
            }
        }

        return found;
    }

    /// <summary>Every unexpired mapping of <paramref name="subject"/> for one client of one issuer.</summary>
    public async Task<IReadOnlyList<SessionMapping>> FindBySubjectAsync(string issuer, string clientId, string subject, CancellationToken cancellationToken = default)
    {
        var found = new List<SessionMapping>();
        foreach (var lookup in SubjectLookups(subject))
        {
            found.AddRange((await records.FindBySubjectAsync(issuer, clientId, lookup, cancellationToken)).Select(Reveal));
        }

        // Note: one sid stored under two keys (a rollover) is one client session: one mapping, as FindAsync gives.
        return found.Count < 2 ? found : [.. found.GroupBy(mapping => mapping.Key).Select(same => same.Aggregate(Merge))];
    }

    /// <summary>
    /// Removes the given application sessions from a mapping (the mapping goes once it has none left). Sessions
    /// captured after the logout was resolved survive: only what was delivered is removed.
    /// </summary>
    public async Task RemoveAsync(SessionKey key, IReadOnlyCollection<string> sessionHandles, CancellationToken cancellationToken = default)
    {
        foreach (var lookup in SidLookups(key.Sid))
        {
            await records.RemoveAsync(key with { Sid = lookup }, sessionHandles, cancellationToken);
        }
    }

    /// <summary>Every mapping with its sid and subject decrypted; reconciliation compares hashes instead (<see cref="ListStoredAsync"/>).</summary>
    public async IAsyncEnumerable<CapturedSession> ListAsync(string issuer, string clientId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var stored in records.ListAsync(issuer, clientId, cancellationToken))
        {
            yield return Reveal(stored);
        }
    }

    /// <summary>Every mapping as stored: sid and subject hashed, <see cref="CapturedSession.Protected"/> set; <see cref="Reveal(CapturedSession)"/> decrypts one.</summary>
    public IAsyncEnumerable<CapturedSession> ListStoredAsync(string issuer, string clientId, CancellationToken cancellationToken = default) =>
        records.ListAsync(issuer, clientId, cancellationToken);

    /// <summary>Ordered by the stored hash of the sid: <paramref name="afterSid"/> is a previous page's last <see cref="SessionMapping.Cursor"/>.</summary>
    public async Task<IReadOnlyList<SessionMapping>> ListByClientAsync(
        string issuer, string clientId, string? afterSid, DateTimeOffset capturedBefore, int maxCount, CancellationToken cancellationToken = default) =>
        [.. (await records.ListByClientAsync(issuer, clientId, afterSid, capturedBefore, maxCount, cancellationToken)).Select(Reveal)];

    /// <summary>Deletes mappings that expired before <paramref name="now"/>; returns how many went.</summary>
    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        records.PurgeExpiredAsync(now, cancellationToken);

    /// <summary>The sid and subject of a stored session, decrypted (the store's hashes as they are when it has no encrypted copy).</summary>
    public CapturedSession Reveal(CapturedSession stored) => stored.Protected is not { } identity
        ? stored
        : new CapturedSession(protector.Unprotect(SidPurpose, identity.Sid), identity.Subject is null ? null : protector.Unprotect(SubjectPurpose, identity.Subject));

    private SessionMapping Reveal(SessionMapping stored) => Reveal(stored, sid: null);

    /// <param name="sid">The sid when the caller already knows it (it looked the mapping up by it), else null.</param>
    private SessionMapping Reveal(SessionMapping stored, string? sid)
    {
        if (stored.Protected is not { } identity)
        {
            return stored with { Cursor = stored.Key.Sid };
        }

        var subject = identity.Subject is null ? null : protector.Unprotect(SubjectPurpose, identity.Subject);
        var key = stored.Key with { Sid = sid ?? protector.Unprotect(SidPurpose, identity.Sid) };
        return new SessionMapping(key, subject, stored.AppSessions, stored.ExpiresAt) { Cursor = stored.Key.Sid };
    }

    private SessionKey Hashed(SessionKey key) => key with { Sid = SidLookups(key.Sid)[0] };

    private ProtectedIdentity Protect(string sid, string? subject) =>
        new(protector.Protect(SidPurpose, sid), subject is null ? null : protector.Protect(SubjectPurpose, subject));

    /// <summary>One sid stored under two keys (before and after a rollover): one mapping with the sessions of both.</summary>
    private static SessionMapping Merge(SessionMapping first, SessionMapping second) =>
        first with
        {
            Subject = first.Subject ?? second.Subject,
            AppSessions = [.. first.AppSessions.Concat(second.AppSessions).DistinctBy(s => s.Handle, StringComparer.Ordinal)],
            ExpiresAt = first.ExpiresAt > second.ExpiresAt ? first.ExpiresAt : second.ExpiresAt,
        };
}
