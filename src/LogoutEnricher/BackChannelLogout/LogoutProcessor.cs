using LogoutEnricher.Delivery;
using LogoutEnricher.Hosting;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.BackChannelLogout;

/// <summary>The outcome of one accepted logout.</summary>
/// <param name="Queued">True when the deliveries were queued (Queued mode) rather than made inline.</param>
internal sealed record LogoutOutcome(bool Delivered, bool Queued, int AppSessionCount, IReadOnlyList<DeliveryResult> Deliveries);

/// <summary>
/// Turns a validated logout token into deliveries: resolves the application's sessions, then queues them durably
/// (Queued mode) or delivers them inline (Synchronous mode), and only then records the <c>jti</c>.
/// </summary>
internal sealed class LogoutProcessor(
    ISessionStore sessions,
    IReplayCache replayCache,
    LogoutPlanner planner,
    LogoutEnqueuer enqueuer,
    LogoutDeliverer deliverer,
    IOptions<LogoutEnricherOptions> options)
{
    public const string AppSessionPurpose = "app-session";

    /// <exception cref="StorageUnavailableException">A store failed; in Queued mode nothing was queued.</exception>
    public async Task<LogoutOutcome> ProcessAsync(ValidatedLogoutToken token, CancellationToken cancellationToken)
    {
        var mappings = await ResolveAsync(token, cancellationToken);
        var deliveries = planner.Plan(token, mappings);
        var count = deliveries.Sum(d => d.AppSessionIds.Count);

        if (options.Value.Delivery.Mode == DeliveryMode.Queued)
        {
            await enqueuer.EnqueueAsync(token, deliveries, cancellationToken);
            // Note: the jti is recorded only once the logout is durably queued: a store failure before this point
            // answers temporarily_unavailable, and the provider's resend must not then be taken for a replay.
            await replayCache.TryAddAsync(token.Issuer, token.Jti, token.ReplayUntil, cancellationToken);
            return new LogoutOutcome(true, true, count, []);
        }

        var results = await Task.WhenAll(deliveries.Select(d => deliverer.DeliverAsync(token.Client, token.Payload, token.Sid, d, cancellationToken)));
        var delivered = Array.TrueForAll(results, r => r.Succeeded);
        if (delivered)
        {
            // Note: the jti is recorded only now, so that a provider's resend after a failed delivery is not a replay.
            await replayCache.TryAddAsync(token.Issuer, token.Jti, token.ReplayUntil, cancellationToken);
            foreach (var removal in deliveries.SelectMany(d => d.Removals))
            {
                await sessions.RemoveAsync(removal.Key, removal.Handles, cancellationToken);
            }
        }

        return new LogoutOutcome(delivered, false, count, results);
    }

    private async Task<IReadOnlyList<SessionMapping>> ResolveAsync(ValidatedLogoutToken token, CancellationToken cancellationToken)
    {
        if (token.Sid is not null)
        {
            var mapping = await sessions.FindAsync(new SessionKey(token.Issuer, token.Client.ClientId, token.Sid), cancellationToken);
            return mapping is null ? [] : [mapping];
        }

        // No sid: BCL 1.0 §2.4 means every session of the subject at this client.
        return await sessions.FindBySubjectAsync(token.Issuer, token.Client.ClientId, token.Subject!, cancellationToken);
    }
}
