using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Logout;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

/// <summary>
/// Ends one captured session that Keycloak ended silently: a logout naming the reason through the logout pipeline
/// (which always queues it in the durable outbox and forgets the mapping at once), so that a later cycle or a repeated
/// event finds nothing to end twice (the queued entry holds what delivery needs).
/// </summary>
internal sealed partial class SessionEnder(
    ProtectedSessionStore sessions,
    IReconciliationStore store,
    LogoutPipeline pipeline,
    ReconciliationMetrics metrics,
    ILogger<SessionEnder> logger)
{
    /// <returns>False when the mapping was gone already (ended by another path meanwhile).</returns>
    /// <exception cref="StorageUnavailableException">Nothing was queued (or it was, and the mapping stays: at-least-once).</exception>
    public async Task<bool> EndAsync(ConfiguredClient client, string sid, string reason, CancellationToken cancellationToken)
    {
        var key = new SessionKey(client.Issuer, client.ClientId, sid);
        // Note: read again just before deciding: a logout Keycloak did send may have removed it since the walk.
        if (await sessions.FindAsync(key, cancellationToken) is not { } mapping)
        {
            await store.RemoveObservationsAsync(client.Issuer, client.ClientId, sessions.SidLookups(sid), cancellationToken);
            return false;
        }

        var result = await pipeline.ProcessAsync(
            LogoutRequest.ForSessions(client, LogoutSource.Reconciliation, [mapping], reason, forgetWhenQueued: true), cancellationToken);
        await store.RemoveObservationsAsync(client.Issuer, client.ClientId, sessions.SidLookups(sid), cancellationToken);

        metrics.SessionEnded(client, reason);
        LogSessionEnded(logger, client.ClientId, client.Issuer, SidHash.Of(sid), reason, result.AppSessionCount);
        return true;
    }

    [LoggerMessage(EventId = EventIds.SilentlyEndedSessionLoggedOut, EventName = nameof(EventIds.SilentlyEndedSessionLoggedOut), Level = LogLevel.Information,
        Message = "Session ended by Keycloak without a logout queued for client {ClientId} of {Issuer}: sid hash {SidHash}, reason {Reason}, {AppSessionCount} app sessions")]
    private static partial void LogSessionEnded(ILogger logger, string clientId, string issuer, string sidHash, string reason, int appSessionCount);
}
