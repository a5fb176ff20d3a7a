using LogoutEnricher.Delivery;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Providers;
using LogoutEnricher.Security;
using LogoutEnricher.Storage;
using LogoutEnricher.Telemetry;

namespace LogoutEnricher.Reconciliation;

/// <summary>
/// Ends one captured session that Keycloak ended silently: a logout naming the reason through the durable outbox (the
/// same shape and path as every logout), then the mapping is forgotten at once, so that a later cycle or a repeated
/// event finds nothing to end twice (the queued entry holds what delivery needs).
/// </summary>
internal sealed partial class SessionEnder(
    ProtectedSessionStore sessions,
    IReconciliationStore store,
    CapturedSessionLogouts logouts,
    ReconciliationMetrics metrics,
    AuditLog audit,
    TimeProvider timeProvider,
    ILogger<SessionEnder> logger)
{
    /// <returns>False when the mapping was gone already (ended by another path meanwhile).</returns>
    /// <exception cref="StorageUnavailableException">Nothing was queued (or it was, and the mapping stays: at-least-once).</exception>
    public async Task<bool> EndAsync(ConfiguredClient client, string sid, string reason, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var key = new SessionKey(client.Issuer, client.ClientId, sid);
        // Note: read again just before deciding: a logout Keycloak did send may have removed it since the walk.
        if (await sessions.FindAsync(key, cancellationToken) is not { } mapping)
        {
            await store.RemoveObservationsAsync(client.Issuer, client.ClientId, sessions.SidLookups(sid), cancellationToken);
            return false;
        }

        var count = await logouts.EnqueueAsync(client, [mapping], new Dictionary<string, string> { [LogoutReason.ClaimName] = reason }, cancellationToken);
        await sessions.RemoveAsync(key, [.. mapping.AppSessions.Select(s => s.Handle)], cancellationToken);
        await store.RemoveObservationsAsync(client.Issuer, client.ClientId, sessions.SidLookups(sid), cancellationToken);

        var sidHash = SidHash.Of(sid);
        metrics.SessionEnded(client, reason);
        audit.LogoutProcessed(client.Issuer, client.ClientId, sidHash, mapping.Subject, count, Logout.LogoutOutcome.Queued, timeProvider.GetElapsedTime(started), reason);
        LogSessionEnded(logger, client.ClientId, client.Issuer, sidHash, reason, count);
        return true;
    }

    [LoggerMessage(EventId = EventIds.SilentlyEndedSessionLoggedOut, EventName = nameof(EventIds.SilentlyEndedSessionLoggedOut), Level = LogLevel.Information,
        Message = "Session ended by Keycloak without a logout queued for client {ClientId} of {Issuer}: sid hash {SidHash}, reason {Reason}, {AppSessionCount} app sessions")]
    private static partial void LogSessionEnded(ILogger logger, string clientId, string issuer, string sidHash, string reason, int appSessionCount);
}
