using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

internal sealed partial class SessionReconciler
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Issuer, string ClientId), (long Same, long Different)> _subjectEvidence = new();

    /// <summary>What one walk over a client's captured sessions found, compared with Keycloak's listing.</summary>
    /// <param name="Reappeared">Stored sid hashes (the observations' keys) of sessions seen missing before and listed again.</param>
    /// <param name="Missing">Captured sessions Keycloak did not list: the sid and subject decrypted, the stored hash.</param>
    /// <param name="OfDisabledUsers">Listed sessions of disabled users, by Keycloak's own sid.</param>
    private sealed record Walk(
        int Captured,
        List<string> Reappeared,
        List<(string Sid, string? Subject, string Stored, DateTimeOffset? FirstMissing)> Missing,
        List<(string Sid, string UserId)> OfDisabledUsers,
        bool SubjectsAreUserIds);

    /// <summary>
    /// Streams the captured sessions (memory stays flat) and sorts each into present, missing or disabled. The
    /// store holds keyed hashes, so Keycloak's ids are hashed the same way (under every configured key) and compared
    /// with them; only the missing sessions, which a logout may have to name, are decrypted.
    /// </summary>
    private async Task<Walk> WalkAsync(ConfiguredClient client, Dictionary<string, string?> listed, HashSet<string> disabledUsers, CancellationToken cancellationToken)
    {
        var observations = await store.GetObservationsAsync(client.Issuer, client.ClientId, cancellationToken);
        var listedByHash = new Dictionary<string, (string Sid, string? UserId)>(StringComparer.Ordinal);
        foreach (var (sid, userId) in listed)
        {
            foreach (var hash in sessions.SidLookups(sid))
            {
                listedByHash[hash] = (sid, userId);
            }
        }

        var reappeared = new List<string>();
        var missing = new List<(string, string?, string, DateTimeOffset?)>();
        var disabled = new List<(string, string)>();
        int captured = 0, same = 0, different = 0;
        await foreach (var session in sessions.ListStoredAsync(client.Issuer, client.ClientId, cancellationToken))
        {
            captured++;
            if (TryMatch(session, listed, listedByHash, out var match))
            {
                if (observations.ContainsKey(session.Sid))
                {
                    reappeared.Add(session.Sid);
                }

                if (match.UserId is { } userId && disabledUsers.Contains(userId))
                {
                    disabled.Add((match.Sid, userId));
                }

                if (match.UserId is not null && session.Subject is not null)
                {
                    var equal = session.Protected is null
                        ? session.Subject == match.UserId
                        : sessions.SubjectLookups(match.UserId).Contains(session.Subject, StringComparer.Ordinal);
                    _ = equal ? same++ : different++;
                }
            }
            else
            {
                var revealed = sessions.Reveal(session);
                missing.Add((revealed.Sid, revealed.Subject, session.Sid, observations.TryGetValue(session.Sid, out var at) ? at : null));
            }
        }

        // Note: remembered across cycles (per replica): a client whose only user just vanished showed its subjects
        // equal to user ids in earlier listings. One difference ever (a pairwise mapper) and subjects never count.
        var evidence = _subjectEvidence.AddOrUpdate((client.Issuer, client.ClientId), (same, different), (_, old) => (old.Same + same, old.Different + different));
        return new Walk(captured, reappeared, missing, disabled, evidence.Same > 0 && evidence.Different == 0);
    }

    /// <summary>
    /// Whether Keycloak listed the stored session: by its hash, or, for a row a replica of the previous version wrote
    /// in clear after the upgrade (no encrypted copy, moved at the next start), by the sid itself: never on doubt.
    /// </summary>
    private static bool TryMatch(
        CapturedSession stored, Dictionary<string, string?> listed, Dictionary<string, (string Sid, string? UserId)> listedByHash, out (string Sid, string? UserId) match)
    {
        if (stored.Protected is null && listed.TryGetValue(stored.Sid, out var userId))
        {
            match = (stored.Sid, userId);
            return true;
        }

        return listedByHash.TryGetValue(stored.Sid, out match);
    }

    [LoggerMessage(EventId = EventIds.ClientSessionsReconciled, EventName = nameof(EventIds.ClientSessionsReconciled), Level = LogLevel.Information,
        Message = "Sessions of client {ClientId} in realm {Realm} reconciled: {Captured} captured, {Listed} listed by Keycloak, {FirstSeenMissing} seen missing for the first time, {Ended} ended")]
    private static partial void LogClientReconciled(ILogger logger, string clientId, string realm, int captured, int listed, int firstSeenMissing, int ended);

    [LoggerMessage(EventId = EventIds.ReconciliationUndecided, EventName = nameof(EventIds.ReconciliationUndecided), Level = LogLevel.Warning,
        Message = "No reconciliation decision for client {ClientId} in realm {Realm} this cycle, nothing ended: {Reason}")]
    private static partial void LogNoDecision(ILogger logger, string clientId, string realm, string reason);

    [LoggerMessage(EventId = EventIds.ReconciliationListingShort, EventName = nameof(EventIds.ReconciliationListingShort), Level = LogLevel.Warning,
        Message = "Keycloak listed fewer sessions of client {ClientId} in realm {Realm} than it counted (a short page): no decision this cycle, nothing ended")]
    private static partial void LogShortListing(ILogger logger, string clientId, string realm);
}
