using LogoutEnricher.Delivery;
using LogoutEnricher.Storage;

namespace LogoutEnricher.KeycloakAdminPush;

/// <summary>
/// A per-session <c>LogoutAction</c> (Keycloak sends one to the Admin URL of a client without a back-channel URL):
/// its <c>keycloakSessionIds</c> are sids, so each is ended like a back-channel logout for that sid, with every id
/// LogoutEnricher captured for it (Keycloak's <c>adapterSessionIds</c> name only the last one).
/// </summary>
internal sealed class SessionActionHandler(ISessionStore sessions, IReplayCache replayCache, CapturedSessionLogouts logouts, TimeProvider timeProvider)
{
    /// <summary>How long an action id is remembered: well past its 30 s <c>expiration</c>.</summary>
    private static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    public async Task<string> HandleAsync(VerifiedAdminAction action, CancellationToken cancellationToken)
    {
        var replayKey = "keycloak-admin:" + action.Id;
        if (await replayCache.ContainsAsync(action.Client.Issuer, replayKey, cancellationToken))
        {
            return "replay";
        }

        var mappings = new List<SessionMapping>();
        foreach (var sid in action.KeycloakSessionIds.Distinct(StringComparer.Ordinal))
        {
            if (await sessions.FindAsync(new SessionKey(action.Client.Issuer, action.Client.ClientId, sid), cancellationToken) is { } mapping)
            {
                mappings.Add(mapping);
            }
        }

        await logouts.EnqueueAsync(action.Client, mappings, null, cancellationToken);
        // Note: recorded only once queued, so that a failure before this point does not turn a resend into a replay.
        await replayCache.TryAddAsync(action.Client.Issuer, replayKey, timeProvider.GetUtcNow() + ReplayWindow, cancellationToken);
        return "delivered";
    }
}
