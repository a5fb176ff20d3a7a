using System.Text.Json;
using LogoutEnricher.Delivery;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Logout;

/// <summary>
/// The one way into the logout flow, whatever the source (<see cref="LogoutSource"/>): claim the replay id
/// atomically, find the sessions, mint the claims, plan the deliveries, queue them durably (Queued mode, and always
/// for logouts nobody could resend) or deliver them inline (Synchronous mode), forget what was ended, then audit and
/// count. Nothing else writes to the outbox or the replay store.
/// </summary>
internal sealed class LogoutPipeline(
    ProtectedSessionStore sessions,
    IReplayCache replayCache,
    LogoutPlanner planner,
    LogoutEnqueuer enqueuer,
    LogoutDeliverer deliverer,
    LogoutCompletion completion,
    IOptions<DeliveryOptions> options,
    AuditLog audit,
    LogoutEnricherMetrics metrics,
    StoreFailures failures,
    TimeProvider timeProvider,
    IEnumerable<IAcceptedLogoutObserver> observers)
{
    private readonly IAcceptedLogoutObserver[] _observers = [.. observers];

    /// <exception cref="StorageUnavailableException">A store failed; nothing was queued and the replay id was given back.</exception>
    public async Task<LogoutResult> ProcessAsync(LogoutRequest request, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var acceptedAt = timeProvider.GetUtcNow();
        // Note: the replay id is claimed first, in one atomic store operation: of copies of one token or action
        // arriving together exactly one gets past it; checking and recording in two steps let several through.
        if (request.Replay is { } replay && !await replayCache.TryAddAsync(request.Issuer, replay.Key, replay.Until, cancellationToken))
        {
            metrics.LogoutsProcessed(request.Source, LogoutOutcome.Replayed, 1);
            return LogoutResult.Of(LogoutOutcome.Replayed);
        }

        var accepted = false;
        try
        {
            var logouts = await PlanAsync(request, acceptedAt, cancellationToken);
            var result = await RunAsync(request, logouts, () => accepted = true, cancellationToken);
            var elapsed = timeProvider.GetElapsedTime(started);
            foreach (var logout in logouts)
            {
                // Note: the trail is written from this event (asynchronously: a trail write never delays or fails a logout).
                audit.LogoutProcessed(request.Client, SidHash.Of(logout.Sid), logout.Subject, logout.AppSessionCount, result.Outcome, elapsed, request.Source, request.Reason,
                    logout.TrailId, acceptedAt);
            }

            metrics.LogoutsProcessed(request.Source, result.Outcome, result.Logouts);
            if (accepted && request.Source == LogoutSource.Provider)
            {
                // Note: only what Keycloak sent; a logout LogoutEnricher started itself never starts another check.
                var ended = logouts.SelectMany(l => l.Mappings).ToList();
                foreach (var observer in _observers)
                {
                    observer.LogoutAccepted(request, ended);
                }
            }

            return result;
        }
        finally
        {
            if (!accepted && request.Replay is { } claimed)
            {
                await ReleaseAsync(request, claimed.Key);
            }
        }
    }

    /// <summary>
    /// Queues a Keycloak Admin URL action (the notBefore <c>LogoutAction</c> of a sign-out-all, or a
    /// <c>PushNotBeforeAction</c>) for the client, when its format forwards such actions: one delivery per node it may
    /// have (each allowed session host, and the fallback URL), or one.
    /// </summary>
    /// <returns>How many deliveries were queued (none for a format that does not forward actions).</returns>
    /// <exception cref="StorageUnavailableException">Nothing was queued.</exception>
    public async Task<int> ForwardAsync(Protocol.Providers.ConfiguredClient client, KeycloakAdminAction action, CancellationToken cancellationToken)
    {
        var deliveries = planner.PlanAction(client, action);
        if (deliveries.Count > 0)
        {
            await enqueuer.EnqueueAsync([new QueuedLogout(client, EmptyClaims, null, deliveries)], cancellationToken);
        }

        return deliveries.Count;
    }

    private static readonly JsonElement EmptyClaims = JsonElement.Parse("{}");

    /// <summary>One logout per session given, or the one the request names.</summary>
    private async Task<IReadOnlyList<PlannedLogout>> PlanAsync(LogoutRequest request, DateTimeOffset acceptedAt, CancellationToken cancellationToken)
    {
        if (request.Sessions is { } given)
        {
            return [.. given.Select(mapping => Plan(request, acceptedAt,
                LogoutClaims.Mint(request.Client, mapping.Key.Sid, mapping.Subject, request.Reason), mapping.Key.Sid, mapping.Subject, [mapping]))];
        }

        var mappings = await ResolveAsync(request, cancellationToken);
        var claims = request.Claims ?? LogoutClaims.Mint(request.Client, request.Sid, request.Subject, request.Reason);
        return [Plan(request, acceptedAt, claims, request.Sid, request.Subject, mappings)];
    }

    private PlannedLogout Plan(LogoutRequest request, DateTimeOffset acceptedAt, JsonElement claims, string? sid, string? subject, IReadOnlyList<SessionMapping> mappings) =>
        new(Guid.CreateVersion7(acceptedAt).ToString("N"), claims, sid, subject, mappings, planner.Plan(request.Client, mappings));

    private async Task<LogoutResult> RunAsync(LogoutRequest request, IReadOnlyList<PlannedLogout> logouts, Action accept, CancellationToken cancellationToken)
    {
        var count = logouts.Sum(l => l.AppSessionCount);
        if (logouts.All(l => l.Deliveries.Count == 0))
        {
            // Nothing an application could be told (no session given, or none of them deliverable).
            accept();
            if (request.ForgetWhenQueued)
            {
                await completion.ForgetAsync(logouts.SelectMany(l => l.Mappings), cancellationToken);
            }

            return new LogoutResult(LogoutOutcome.NothingToDo, 0, [], 0);
        }

        if (options.Value.Mode == DeliveryMode.Queued || !request.Source.MayDeliverInline())
        {
            await enqueuer.EnqueueAsync([.. logouts.Select(l => new QueuedLogout(request.Client, l.Claims, l.Sid, l.Deliveries, l.TrailId))], cancellationToken);
            accept();
            if (request.ForgetWhenQueued)
            {
                await completion.ForgetAsync(logouts.SelectMany(l => l.Mappings), cancellationToken);
            }

            return new LogoutResult(LogoutOutcome.Queued, count, [], logouts.Count);
        }

        var deliveries = logouts.SelectMany(l => l.Deliveries.Select((d, i) => (Logout: l, Delivery: d, Index: i))).ToList();
        var results = await Task.WhenAll(deliveries.Select(d => deliverer.DeliverAsync(request.Client, d.Logout.Claims, d.Logout.Sid, d.Delivery,
            new DeliveryTrail(d.Logout.TrailId, $"inline-{d.Index}/1", 1, MayRetry: false), cancellationToken)));
        var delivered = Array.TrueForAll(results, r => r.Succeeded);
        if (delivered)
        {
            // Note: from here every application has the logout: a failure forgetting the mappings must not let a
            // resend deliver it twice, so the claim is kept.
            accept();
            await completion.CompleteAsync(deliveries.SelectMany(d => d.Delivery.Removals), cancellationToken);
        }

        return new LogoutResult(delivered ? LogoutOutcome.Delivered : LogoutOutcome.DeliveryFailed, count, results, logouts.Count);
    }

    /// <summary>
    /// Gives the replay id back after a transient refusal (store failure, aborted request, failed Synchronous
    /// delivery), so that a resend is accepted. When the store fails here too the claim stays until it expires.
    /// </summary>
    private Task<bool> ReleaseAsync(LogoutRequest request, string key) =>
        failures.TryAsync("replay", $"the replay id of a refused logout for client {request.Client.ClientId} stays claimed; a resend is answered as a replay until it expires",
            () => replayCache.ReleaseAsync(request.Issuer, key, CancellationToken.None));

    private async Task<IReadOnlyList<SessionMapping>> ResolveAsync(LogoutRequest request, CancellationToken cancellationToken)
    {
        if (request.Sid is not null)
        {
            var mapping = await sessions.FindAsync(new SessionKey(request.Issuer, request.Client.ClientId, request.Sid), cancellationToken);
            return mapping is null ? [] : [mapping];
        }

        // No sid: BCL 1.0 §2.4 means every session of the subject at this client.
        return request.Subject is null ? [] : await sessions.FindBySubjectAsync(request.Issuer, request.Client.ClientId, request.Subject, cancellationToken);
    }

    /// <summary>One logout: its claims, the sessions it ends and the deliveries that tell the application.</summary>
    private sealed record PlannedLogout(string TrailId, JsonElement Claims, string? Sid, string? Subject, IReadOnlyList<SessionMapping> Mappings, IReadOnlyList<LogoutDelivery> Deliveries)
    {
        public int AppSessionCount => Deliveries.Sum(d => d.AppSessionIds.Count);
    }
}
