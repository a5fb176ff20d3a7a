using LogoutEnricher.Delivery;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Logout;
using LogoutEnricher.Operations.Telemetry;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>
/// The recent-logouts trail behind the console: a bounded, in-memory record per replica, fed by the audit events
/// (<see cref="IAuditObserver"/>). A logout's acceptance and its delivery attempts arrive as separate events, in either
/// order (inline delivery reports first, queued delivery later); they meet on (issuer, client, sid hash). See
/// docs/adr/0014-operator-console-trail.md for why it is in memory and not in the store.
/// </summary>
internal sealed class LogoutTrail(IOptions<OperatorConsoleOptions> options, TimeProvider timeProvider) : IAuditObserver
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TrailEntry> _entries = new();
    private readonly Dictionary<(string Issuer, string ClientId, string SidHash), LinkedListNode<TrailEntry>> _newest = [];
    private readonly Dictionary<(string Issuer, string ClientId), long> _captures = [];

    /// <summary>When this trail began: it knows nothing older (a restart empties it).</summary>
    public DateTimeOffset Since { get; } = timeProvider.GetUtcNow();

    public void SessionCaptured(string issuer, string clientId, string sidHash, string? subject)
    {
        lock (_lock)
        {
            _captures[(issuer, clientId)] = _captures.GetValueOrDefault((issuer, clientId)) + 1;
        }
    }

    public void LogoutProcessed(ProcessedLogout logout)
    {
        lock (_lock)
        {
            var entry = Newest(logout.Issuer, logout.ClientId, logout.SidHash) is { Processed: null } early ? early : Add(logout.Issuer, logout.ClientId, logout.SidHash);
            entry.Processed = logout.Outcome;
            entry.Subject = logout.Subject;
            entry.AppSessions = logout.AppSessionCount;
            entry.Trigger = logout.Trigger;
            entry.Elapsed = logout.Elapsed;
        }
    }

    public void LogoutDelivered(string issuer, string clientId, string sidHash, int appSessionCount, DeliveryResult result)
    {
        lock (_lock)
        {
            // Note: a delivery belongs to the newest logout of this session unless that one is already delivered.
            var entry = Newest(issuer, clientId, sidHash) is { } newest && newest.Outcome != TrailOutcome.Delivered ? newest : Add(issuer, clientId, sidHash);
            entry.Attempts++;
            entry.LastSucceeded = result.Succeeded;
            entry.LastTransient = result.IsTransient;
            entry.Reason = result.Succeeded ? entry.Reason : result.Describe();
            entry.DeliveredAt = result.Succeeded ? timeProvider.GetUtcNow() : null;
            entry.AppSessions = Math.Max(entry.AppSessions, appSessionCount);
        }
    }

    /// <summary>Captures per (issuer, client) since <see cref="Since"/>.</summary>
    public long CapturesOf(string issuer, string clientId)
    {
        lock (_lock)
        {
            return _captures.GetValueOrDefault((issuer, clientId));
        }
    }

    /// <summary>
    /// The newest rows first, filtered by <paramref name="query"/>: a client, subject, sid hash, outcome or reason
    /// containing it, or a raw sid whose hash matches (so a sid can be searched for without the trail holding it).
    /// </summary>
    public IReadOnlyList<TrailRecord> Search(string? query, int max)
    {
        var sidHash = string.IsNullOrWhiteSpace(query) ? null : SidHash.Of(query.Trim());
        lock (_lock)
        {
            return _entries.Reverse().Select(e => e.ToRecord())
                .Where(r => string.IsNullOrWhiteSpace(query) || Matches(r, query.Trim(), sidHash!))
                .Take(max).ToList();
        }
    }

    /// <summary>Every row accepted at or after <paramref name="from"/>, for the chart.</summary>
    public IReadOnlyList<TrailRecord> AcceptedSince(DateTimeOffset from)
    {
        lock (_lock)
        {
            return _entries.Where(e => e.At >= from).Select(e => e.ToRecord()).ToList();
        }
    }

    private static bool Matches(TrailRecord record, string query, string sidHash) =>
        record.SidHash == sidHash
        || Contains(record.ClientId, query) || Contains(record.Subject, query) || Contains(record.SidHash, query)
        || Contains(record.Outcome.ToString(), query) || Contains(record.Reason, query) || Contains(record.Issuer, query);

    private static bool Contains(string? value, string query) => value?.Contains(query, StringComparison.OrdinalIgnoreCase) == true;

    private TrailEntry? Newest(string issuer, string clientId, string sidHash) =>
        _newest.TryGetValue((issuer, clientId, sidHash), out var node) ? node.Value : null;

    private TrailEntry Add(string issuer, string clientId, string sidHash)
    {
        var entry = new TrailEntry(timeProvider.GetUtcNow(), issuer, clientId, sidHash);
        _newest[(issuer, clientId, sidHash)] = _entries.AddLast(entry);
        while (_entries.Count > options.Value.TrailCapacity)
        {
            var oldest = _entries.First!;
            _entries.RemoveFirst();
            var key = (oldest.Value.Issuer, oldest.Value.ClientId, oldest.Value.SidHash);
            if (_newest.TryGetValue(key, out var indexed) && ReferenceEquals(indexed, oldest))
            {
                _newest.Remove(key);
            }
        }

        return entry;
    }
}
