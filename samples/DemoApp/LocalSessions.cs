using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace DemoApp;

/// <summary>One local (application) session: what a PHP session or a JSESSIONID is to other stacks.</summary>
public sealed record LocalSession(string Id, string Subject, string UserName, DateTimeOffset CreatedAt)
{
    /// <summary>Enough of the id to tell sessions apart on a page, never the whole credential.</summary>
    public string ShortId => Id[..8];
}

/// <summary>A back-channel logout as the application received it: whose, and which local sessions it ended.</summary>
public sealed record ReceivedLogout(DateTimeOffset ReceivedAt, string? Subject, IReadOnlyList<string> AdapterSessionIds, int Ended);

/// <summary>
/// The server-side session registry. The browser's cookie only names a session; the session exists while it is in
/// here, so removing it (on a back-channel logout) logs the browser out on its next request.
/// </summary>
public sealed class LocalSessionRegistry
{
    private readonly ConcurrentDictionary<string, LocalSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedLogout> _logouts = new();

    public IReadOnlyCollection<LocalSession> Sessions => [.. _sessions.Values.OrderBy(s => s.CreatedAt)];

    /// <summary>The most recent back-channel logouts, newest last.</summary>
    public IReadOnlyCollection<ReceivedLogout> Logouts => [.. _logouts];

    public static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public void Add(LocalSession session) => _sessions[session.Id] = session;

    public bool Contains(string id) => _sessions.ContainsKey(id);

    /// <summary>
    /// Ends the named sessions that belong to <paramref name="subject"/> (when the token names one): an id of another
    /// user's session is left alone, whatever the token says.
    /// </summary>
    public int End(IEnumerable<string> ids, string? subject)
    {
        var ended = 0;
        foreach (var id in ids)
        {
            if (_sessions.TryGetValue(id, out var session) && (subject is null || session.Subject == subject)
                && _sessions.TryRemove(new KeyValuePair<string, LocalSession>(id, session)))
            {
                ended++;
            }
        }

        return ended;
    }

    public void Record(ReceivedLogout logout)
    {
        _logouts.Enqueue(logout);
        while (_logouts.Count > 20 && _logouts.TryDequeue(out _))
        {
        }
    }
}
