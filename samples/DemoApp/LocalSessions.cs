using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace DemoApp;

/// <summary>One local (application) session: what a PHP session or a JSESSIONID is to other stacks.</summary>
public sealed record LocalSession(string Id, string Subject, string UserName, DateTimeOffset CreatedAt)
{
    /// <summary>Enough of the id to tell sessions apart on a page, never the whole credential.</summary>
    public string ShortId => LocalSessionRegistry.Shorten(Id);
}

/// <summary>
/// A back-channel logout as the application received it: whose (the user of the sessions it ended, else the token's
/// subject), which local sessions it named, and which of them it ended.
/// </summary>
public sealed record ReceivedLogout(DateTimeOffset ReceivedAt, string? Subject, string? UserName,
    IReadOnlyList<string> AdapterSessionIds, IReadOnlySet<string> EndedSessionIds)
{
    /// <summary>How many named sessions were ended here.</summary>
    public int Ended => EndedSessionIds.Count;
}

/// <summary>
/// The server-side session registry. The browser's cookie only names a session; the session exists while it is in
/// here, so removing it (on a back-channel logout) logs the browser out on its next request.
/// </summary>
public sealed class LocalSessionRegistry
{
    private const int KeptLogouts = 20;

    private readonly ConcurrentDictionary<string, LocalSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedLogout> _logouts = new();

    public IReadOnlyCollection<LocalSession> Sessions => [.. _sessions.Values.OrderBy(s => s.CreatedAt)];

    /// <summary>The most recent back-channel logouts, newest last.</summary>
    public IReadOnlyCollection<ReceivedLogout> Logouts => [.. _logouts];

    public static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The first characters of a session id: enough to recognise it, never the credential itself.</summary>
    public static string Shorten(string id) => id.Length > 8 ? id[..8] : id;

    public void Add(LocalSession session) => _sessions[session.Id] = session;

    public bool Contains(string id) => _sessions.ContainsKey(id);

    /// <summary>Ends one session, as the application's own logout button does; true when it existed.</summary>
    public bool Remove(string id) => _sessions.TryRemove(id, out _);

    /// <summary>
    /// Ends the named sessions that belong to <paramref name="subject"/> (when the token names one): an id of another
    /// user's session is left alone, whatever the token says. Records the logout for the page and returns it.
    /// </summary>
    public ReceivedLogout End(IReadOnlyList<string> ids, string? subject, DateTimeOffset receivedAt)
    {
        var ended = new HashSet<string>(StringComparer.Ordinal);
        string? userName = null;
        foreach (var id in ids)
        {
            if (_sessions.TryGetValue(id, out var session) && (subject is null || session.Subject == subject)
                && _sessions.TryRemove(new KeyValuePair<string, LocalSession>(id, session)))
            {
                ended.Add(id);
                userName ??= session.UserName;
            }
        }

        var logout = new ReceivedLogout(receivedAt, subject, userName, ids, ended);
        _logouts.Enqueue(logout);
        while (_logouts.Count > KeptLogouts && _logouts.TryDequeue(out _))
        {
        }

        return logout;
    }
}
