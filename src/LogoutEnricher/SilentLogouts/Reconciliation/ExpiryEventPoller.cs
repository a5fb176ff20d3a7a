using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.SilentLogouts.KeycloakApi;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

/// <summary>
/// Reads Keycloak's <c>USER_SESSION_DELETED</c> events (fired by the expiration cleanup since 26.5) oldest first from
/// the stored cursor, and logs out every captured session of that <c>sessionId</c>, at every client that holds it.
/// The cursor moves only past events handled, page by page, so an outage of Keycloak or of LogoutEnricher skips none.
/// </summary>
internal sealed partial class ExpiryEventPoller(
    IssuerRegistry registry,
    ProtectedSessionStore sessions,
    IReconciliationStore store,
    SessionEnder ender,
    IOptions<ReconciliationOptions> options,
    TimeProvider timeProvider,
    ILogger<ExpiryEventPoller> logger)
{
    public const string EventType = "USER_SESSION_DELETED";

    /// <returns>How many sessions were ended.</returns>
    /// <exception cref="KeycloakAdminException">Keycloak gave no usable page; the cursor stays where the last page left it.</exception>
    public async Task<int> PollAsync(KeycloakRealmAdmin realm, Func<CancellationToken, Task> renewLease, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var name = EventCursor.NameFor(realm.Settings.Issuer);
        var saved = await store.GetCursorAsync(name, cancellationToken);
        var cursor = EventCursor.Parse(saved, timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        var overlap = (long)settings.EventOverlap.TotalMilliseconds;
        if (saved is null)
        {
            // Note: the start is stored before the first read: a realm whose events cannot be read yet (a missing
            // role, Keycloak down) keeps its start, instead of starting again at "now" on every poll and passing over
            // every event of the outage once it answers.
            await store.SetCursorAsync(name, cursor.Serialize(overlap), cancellationToken);
        }

        var from = Math.Max(0, cursor.Time - overlap);
        var ended = 0;
        for (var first = 0; ; first += settings.PageSize)
        {
            var page = await realm.GetEventsAsync(EventType, from, first, settings.PageSize, cancellationToken);
            foreach (var e in page.OrderBy(e => e.Time))
            {
                var id = e.Id ?? FormattableString.Invariant($"{e.Time}:{e.SessionId}");
                if (e.Time < from || cursor.WasHandled(id))
                {
                    continue;
                }

                if (e.Type == EventType && !string.IsNullOrEmpty(e.SessionId))
                {
                    ended += await EndEverywhereAsync(realm, e, cancellationToken);
                }

                cursor.Handled(id, e.Time);
            }

            // Note: saved after every page, once its logouts are queued: a crash repeats at most one page, and a
            // repeated event finds its mappings gone (at-least-once only across a crash).
            await store.SetCursorAsync(name, cursor.Serialize(overlap), cancellationToken);
            if (page.Length < settings.PageSize)
            {
                return ended;
            }

            await renewLease(cancellationToken);
        }
    }

    private async Task<int> EndEverywhereAsync(KeycloakRealmAdmin realm, EventRepresentation e, CancellationToken cancellationToken)
    {
        if (registry.FindIssuer(realm.Settings.Issuer) is not { } issuer)
        {
            return 0;
        }

        // Note: the event names no client (the SSO session of every client ended); every configured client is asked.
        var reason = e.Details?.GetValueOrDefault("reason") == "expired" ? LogoutReason.SessionExpiration : LogoutReason.Terminated;
        var ended = 0;
        foreach (var client in issuer.Clients.Values)
        {
            if (await sessions.FindAsync(new(client.Issuer, client.ClientId, e.SessionId!), cancellationToken) is not null
                && await ender.EndAsync(client, e.SessionId!, reason, cancellationToken))
            {
                ended++;
            }
        }

        LogEventHandled(logger, realm.Settings.Realm, Hosting.Security.SidHash.Of(e.SessionId), reason, ended);
        return ended;
    }

    [LoggerMessage(EventId = EventIds.SessionDeletedEventHandled, EventName = nameof(EventIds.SessionDeletedEventHandled), Level = LogLevel.Debug,
        Message = "USER_SESSION_DELETED of realm {Realm} handled: sid hash {SidHash}, reason {Reason}, {Ended} captured client sessions ended")]
    private static partial void LogEventHandled(ILogger logger, string realm, string sidHash, string reason, int ended);
}
