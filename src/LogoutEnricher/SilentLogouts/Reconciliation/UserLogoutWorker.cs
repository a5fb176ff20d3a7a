using System.Threading.RateLimiting;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Logout;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.SilentLogouts.KeycloakApi;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

/// <summary>
/// Runs the checks <see cref="UserLogoutQueue"/> queued, <see cref="UserLogoutOptions.MaxConcurrency"/> at a time and
/// at most <see cref="UserLogoutOptions.MaxChecksPerSecond"/> asking Keycloak: reads the user's captured sessions at
/// every client of the issuer, asks Keycloak for the user's sessions (<c>GET /users/{id}/sessions</c>) only when there
/// are others than those Keycloak's logouts named, and ends through the logout pipeline (durable outbox, mappings
/// forgotten at once) each one Keycloak no longer holds. Never on doubt: a failed or unclear answer ends nothing, and
/// reconciliation decides later.
/// </summary>
internal sealed partial class UserLogoutWorker(
    UserLogoutQueue queue,
    KeycloakAdminRealms realms,
    IssuerRegistry registry,
    ProtectedSessionStore sessions,
    IReconciliationStore store,
    LogoutPipeline pipeline,
    ReconciliationMetrics metrics,
    StoreFailures failures,
    IOptions<UserLogoutOptions> options,
    TimeProvider timeProvider,
    ILogger<UserLogoutWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!queue.Active)
        {
            return;
        }

        var settings = options.Value;
        using var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.MaxChecksPerSecond,
            TokensPerPeriod = settings.MaxChecksPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        await Task.WhenAll(Enumerable.Range(0, settings.MaxConcurrency).Select(_ => DrainAsync(limiter, stoppingToken)));
    }

    private async Task DrainAsync(RateLimiter limiter, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var check in queue.Reader.ReadAllAsync(stoppingToken))
            {
                // Checks leave the queue in the order they entered it, all with the same delay: waiting for this one's
                // turn never holds back one that is due.
                var wait = check.QueuedAt + options.Value.Delay - timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, timeProvider, stoppingToken);
                }

                await RunAsync(check, limiter, stoppingToken);
                queue.ForgetOld();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(UserLogoutCheck check, RateLimiter limiter, CancellationToken cancellationToken)
    {
        try
        {
            var checkedUser = await failures.TryAsync("user_logout", "the user's other sessions are left to reconciliation",
                () => CheckAsync(check, limiter, cancellationToken));
            queue.Count(checkedUser.Value ?? "failed");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Note: one check must never stop the worker; reconciliation remains for what it would have ended.
            queue.Count("failed");
            LogCheckFailed(logger, exception, check.Issuer);
        }
    }

    /// <returns>The outcome, as the metric names it.</returns>
    private async Task<string> CheckAsync(UserLogoutCheck check, RateLimiter limiter, CancellationToken cancellationToken)
    {
        var namedByKeycloak = check.Start();
        if (registry.FindIssuer(check.Issuer) is not { } issuer || realms.All.FirstOrDefault(r => r.Settings.Issuer == check.Issuer) is not { } realm)
        {
            return "no_other_sessions";
        }

        // Note: read first, then ask. Keycloak holds a session before it issues the tokens LogoutEnricher captures, so
        // every session read here existed at Keycloak before it was asked: missing from its answer, it has ended. A
        // session captured after the read is not looked at (reconciliation sees it).
        var captured = new List<(ConfiguredClient Client, SessionMapping Mapping)>();
        foreach (var client in issuer.Clients.Values)
        {
            foreach (var mapping in await sessions.FindBySubjectAsync(check.Issuer, client.ClientId, check.Subject, cancellationToken))
            {
                if (!namedByKeycloak.Contains(mapping.Key.Sid))
                {
                    captured.Add((client, mapping));
                }
            }
        }

        if (captured.Count == 0)
        {
            return "no_other_sessions";
        }

        using var lease = await limiter.AcquireAsync(1, cancellationToken);
        UserSessionRepresentation[]? held;
        try
        {
            held = await realm.GetSessionsOfUserAsync(check.Subject, cancellationToken);
        }
        catch (KeycloakAdminException exception)
        {
            LogUndecided(logger, realm.Settings.Realm, SidHash.Of(check.Subject), captured.Count, exception.Message);
            return "no_decision";
        }

        // Note: a 404 is a subject that is no user id (a pairwise mapper) or a deleted user; a session of another user
        // means the same. Neither is a decision here: reconciliation confirms deleted users.
        if (held is null || held.Any(s => s.UserId is { } userId && userId != check.Subject))
        {
            LogUndecided(logger, realm.Settings.Realm, SidHash.Of(check.Subject), captured.Count, "Keycloak lists no sessions for the subject as a user id (pairwise subject or deleted user)");
            return "no_decision";
        }

        var live = held.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var ended = 0;
        foreach (var group in captured.Where(c => !live.Contains(c.Mapping.Key.Sid)).GroupBy(c => c.Client.ClientId))
        {
            var client = group.First().Client;
            var gone = group.Select(c => c.Mapping).ToList();
            await pipeline.ProcessAsync(LogoutRequest.ForSessions(client, LogoutSource.UserLogout, gone, LogoutReason.UserLogout, forgetWhenQueued: true), cancellationToken);
            await store.RemoveObservationsAsync(client.Issuer, client.ClientId, [.. gone.SelectMany(m => sessions.SidLookups(m.Key.Sid))], cancellationToken);
            foreach (var mapping in gone)
            {
                metrics.SessionEnded(client, LogoutReason.UserLogout);
            }

            ended += gone.Count;
        }

        LogCompleted(logger, realm.Settings.Realm, SidHash.Of(check.Subject), captured.Count, ended, captured.Count - ended,
            (timeProvider.GetUtcNow() - check.QueuedAt).TotalMilliseconds);
        return ended > 0 ? "ended" : "none_ended";
    }

    [LoggerMessage(EventId = EventIds.UserLogoutCompleted, EventName = nameof(EventIds.UserLogoutCompleted), Level = LogLevel.Information,
        Message = "Other sessions of a user signed out in realm {Realm} checked: subject hash {SubjectHash}, {Captured} captured client sessions, {Ended} no longer held by Keycloak ended (user_logout), {Kept} still held kept, {ElapsedMs:0} ms after the logout")]
    private static partial void LogCompleted(ILogger logger, string realm, string subjectHash, int captured, int ended, int kept, double elapsedMs);

    [LoggerMessage(EventId = EventIds.UserLogoutUndecided, EventName = nameof(EventIds.UserLogoutUndecided), Level = LogLevel.Warning,
        Message = "Other sessions of a user signed out in realm {Realm} not checked, nothing ended (reconciliation decides later): subject hash {SubjectHash}, {Captured} captured client sessions: {Reason}")]
    private static partial void LogUndecided(ILogger logger, string realm, string subjectHash, int captured, string reason);

    [LoggerMessage(EventId = EventIds.UserLogoutCheckFailed, EventName = nameof(EventIds.UserLogoutCheckFailed), Level = LogLevel.Error,
        Message = "A check of a signed-out user's other sessions at {Issuer} failed unexpectedly (a defect to report); reconciliation ends what Keycloak ended")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception, string issuer);
}
