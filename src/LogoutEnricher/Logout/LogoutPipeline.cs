using LogoutEnricher.Delivery;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Security;
using LogoutEnricher.Storage;
using LogoutEnricher.Telemetry;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Logout;

/// <summary>
/// The logout pipeline, top to bottom: resolve the application's sessions, plan the deliveries, queue them durably
/// (Queued mode) or deliver them inline (Synchronous mode), then finish (record the provider's <c>jti</c>, forget the
/// delivered mappings) and write the audit event. Validation happens before (<c>BackChannelLogout</c>); every source
/// of logouts (a provider's token, the admin API, Keycloak Admin URL pushes, reconciliation) enters here.
/// </summary>
internal sealed partial class LogoutPipeline(
    ISessionStore sessions,
    IReplayCache replayCache,
    LogoutPlanner planner,
    LogoutEnqueuer enqueuer,
    LogoutDeliverer deliverer,
    LogoutCompletion completion,
    IOptions<DeliveryOptions> options,
    AuditLog audit,
    TimeProvider timeProvider,
    ILogger<LogoutPipeline> logger)
{
    /// <summary>Logs out the sessions the request names: the mapping of its <c>sid</c>, else every one of its <c>sub</c>.</summary>
    /// <exception cref="StorageUnavailableException">A store failed; in Queued mode nothing was queued.</exception>
    public async Task<LogoutResult> ProcessAsync(LogoutRequest request, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var mappings = await ResolveAsync(request, cancellationToken);
        return await RunAsync(request, mappings, started, cancellationToken);
    }

    /// <summary>
    /// Logs out sessions the caller already found (e.g. every captured session of a client after Keycloak's
    /// sign-out-all); each application gets one delivery naming its ids, with the request's claims.
    /// </summary>
    /// <exception cref="StorageUnavailableException">A store failed; in Queued mode nothing was queued.</exception>
    public Task<LogoutResult> DeliverAsync(LogoutRequest request, IReadOnlyList<SessionMapping> mappings, CancellationToken cancellationToken) =>
        RunAsync(request, mappings, timeProvider.GetTimestamp(), cancellationToken);

    private async Task<LogoutResult> RunAsync(LogoutRequest request, IReadOnlyList<SessionMapping> mappings, long started, CancellationToken cancellationToken)
    {
        // Note: the provider's jti is claimed first, in one atomic store operation (issue 13 item 6): of copies of one
        // token arriving together exactly one gets past it; checking and recording in two steps let several through.
        if (request.Replay is { } replay && !await replayCache.TryAddAsync(request.Issuer, replay.Jti, replay.Until, cancellationToken))
        {
            return new LogoutResult(LogoutOutcome.Replayed, 0, []);
        }

        var accepted = false;
        try
        {
            var result = await RunClaimedAsync(request, mappings, () => accepted = true, cancellationToken);
            audit.LogoutProcessed(request.Issuer, request.Client.ClientId, SidHash.Of(request.Sid), request.Subject, result.AppSessionCount, result.Outcome,
                timeProvider.GetElapsedTime(started), request.Trigger);
            return result;
        }
        finally
        {
            if (!accepted && request.Replay is { } claimed)
            {
                await ReleaseAsync(request, claimed.Jti);
            }
        }
    }

    private async Task<LogoutResult> RunClaimedAsync(LogoutRequest request, IReadOnlyList<SessionMapping> mappings, Action accept, CancellationToken cancellationToken)
    {
        var deliveries = planner.Plan(request.Client, mappings);
        var count = deliveries.Sum(d => d.AppSessionIds.Count);
        if (options.Value.Mode == DeliveryMode.Queued)
        {
            await enqueuer.EnqueueAsync(request.Client, request.Claims, request.Sid, deliveries, cancellationToken);
            accept();
            return new LogoutResult(LogoutOutcome.Queued, count, []);
        }

        var results = await Task.WhenAll(deliveries.Select(d => deliverer.DeliverAsync(request.Client, request.Claims, request.Sid, d, cancellationToken)));
        var delivered = Array.TrueForAll(results, r => r.Succeeded);
        if (delivered)
        {
            // Note: from here every application has the logout: a failure forgetting the mappings must not let a
            // resend deliver it twice, so the claim is kept.
            accept();
            await completion.CompleteAsync(deliveries.SelectMany(d => d.Removals), cancellationToken);
        }

        return new LogoutResult(delivered ? LogoutOutcome.Delivered : LogoutOutcome.DeliveryFailed, count, results);
    }

    /// <summary>
    /// Gives the jti back after a transient refusal (store failure, aborted request, failed Synchronous delivery), so
    /// the provider's resend is accepted. When the store fails here too the claim stays until the token expires.
    /// </summary>
    private async Task ReleaseAsync(LogoutRequest request, string jti)
    {
        try
        {
            await replayCache.ReleaseAsync(request.Issuer, jti, CancellationToken.None);
        }
        catch (StorageUnavailableException exception)
        {
            LogClaimNotReleased(logger, request.Client.ClientId, exception.Message);
        }
    }

    [LoggerMessage(EventId = EventIds.ReplayClaimNotReleased, EventName = nameof(EventIds.ReplayClaimNotReleased), Level = LogLevel.Error,
        Message = "The jti of a refused logout for client {ClientId} could not be released; a resend will be answered Replayed: {ErrorMessage}")]
    private static partial void LogClaimNotReleased(ILogger logger, string clientId, string errorMessage);

    private async Task<IReadOnlyList<SessionMapping>> ResolveAsync(LogoutRequest request, CancellationToken cancellationToken)
    {
        if (request.Sid is not null)
        {
            var mapping = await sessions.FindAsync(new SessionKey(request.Issuer, request.Client.ClientId, request.Sid), cancellationToken);
            return mapping is null ? [] : [mapping];
        }

        // No sid: BCL 1.0 §2.4 means every session of the subject at this client.
        return await sessions.FindBySubjectAsync(request.Issuer, request.Client.ClientId, request.Subject!, cancellationToken);
    }
}
