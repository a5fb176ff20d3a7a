using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Logout;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Protocol.AdminUrl;

/// <summary>
/// A per-session <c>LogoutAction</c> (Keycloak sends one to the Admin URL of a client without a back-channel URL):
/// its <c>keycloakSessionIds</c> are sids, so each is ended like a back-channel logout for that sid, with every id
/// LogoutEnricher captured for it plus Keycloak's own <c>adapterSessionIds</c> (which name only the last id per
/// client session, but may name one LogoutEnricher never captured: a mapping that expired, or a capture skipped).
/// </summary>
internal sealed class SessionActionHandler(ProtectedSessionStore sessions, LogoutPipeline pipeline, SecretProtector protector, TimeProvider timeProvider)
{
    /// <summary>How long an action id is remembered: well past its 30 s <c>expiration</c>.</summary>
    private static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    /// <exception cref="StorageUnavailableException">Nothing was queued; the action id was given back.</exception>
    public async Task<LogoutOutcome> HandleAsync(VerifiedAdminAction action, CancellationToken cancellationToken)
    {
        var sids = action.KeycloakSessionIds.Distinct(StringComparer.Ordinal).ToList();
        var mappings = new List<SessionMapping>();
        foreach (var sid in sids)
        {
            if (await sessions.FindAsync(new SessionKey(action.Client.Issuer, action.Client.ClientId, sid), cancellationToken) is { } mapping)
            {
                mappings.Add(mapping);
            }
        }

        AddKeycloaksIds(action, sids, mappings);
        // Note: the pipeline claims the action id before it queues anything, so that of copies of one action arriving
        // together exactly one is acted on.
        var replay = new ReplayRecord(ReplayKeyPrefix + action.Id, timeProvider.GetUtcNow() + ReplayWindow);
        var result = await pipeline.ProcessAsync(LogoutRequest.ForSessions(action.Client, LogoutSource.AdminUrlAction, mappings, replay: replay), cancellationToken);
        return result.Outcome;
    }

    /// <summary>Keeps Keycloak's action ids apart from provider <c>jti</c>s in the replay store.</summary>
    public const string ReplayKeyPrefix = "keycloak-admin:";

    /// <summary>
    /// Keycloak does not say which sid each of its ids belongs to, so the ids no mapping holds go with the first
    /// mapping found (or, with none captured, a logout for the first sid): the application ends every one of them.
    /// </summary>
    private void AddKeycloaksIds(VerifiedAdminAction action, List<string> sids, List<SessionMapping> mappings)
    {
        var known = mappings.SelectMany(m => m.AppSessions).Select(s => s.Handle).ToHashSet(StringComparer.Ordinal);
        var missing = action.AdapterSessionIds.Distinct(StringComparer.Ordinal)
            .Select(id => new AppSession(protector.Handle(id, ProtectionPurposes.AppSession), protector.Protect(id, ProtectionPurposes.AppSession), null))
            .Where(session => !known.Contains(session.Handle))
            .ToList();
        if (missing.Count == 0 || sids.Count == 0)
        {
            return;
        }

        if (mappings.Count > 0)
        {
            mappings[0] = mappings[0] with { AppSessions = [.. mappings[0].AppSessions, .. missing] };
        }
        else
        {
            mappings.Add(new SessionMapping(new SessionKey(action.Client.Issuer, action.Client.ClientId, sids[0]), null, missing, timeProvider.GetUtcNow()));
        }
    }
}
