using LogoutEnricher.Delivery;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Logout;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.AdminUrl;

/// <summary>
/// Works fan-out jobs: leases one, forwards the action itself to KeycloakAdmin clients, then pages through the
/// client's mappings (keyset, <c>FanOut:PageSize</c> at a time, never all in memory), queues one logout per captured
/// session older than the job's cutoff, and saves the cursor after every page. A crash repeats at most the page in
/// flight (at-least-once); another replica resumes a job whose lease ran out.
/// </summary>
internal sealed partial class FanOutWorker(
    IFanOutJobStore jobs,
    ProtectedSessionStore sessions,
    IssuerRegistry registry,
    LogoutPipeline pipeline,
    WakeSignal<FanOutWorker> signal,
    FanOutMetrics metrics,
    ReplicaIdentity replica,
    IOptions<FanOutOptions> options,
    StoreFailures failures,
    TimeProvider timeProvider,
    ILogger<FanOutWorker> logger) : PeriodicWorker(failures, timeProvider, logger)
{
    private DateTimeOffset _nextPurge = DateTimeOffset.MinValue;

    private string Owner => replica.Owner;

    private FanOutOptions Settings => options.Value;

    protected override string Name => "fan_out";

    protected override string StoreFailureConsequence => "the job's lease runs out and it resumes from its saved cursor, here or on another replica";

    protected override TimeSpan Interval => Settings.PollInterval;

    protected override Func<TimeSpan, CancellationToken, Task<bool>> Wake => signal.WaitAsync;

    /// <returns>True when a job was worked: look for the next one at once.</returns>
    protected override async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        var worked = false;
        if (await jobs.LeaseAsync(Owner, Settings.LeaseDuration, cancellationToken) is { } job)
        {
            worked = true;
            await RunAsync(job, cancellationToken);
        }

        if (Time.GetUtcNow() >= _nextPurge)
        {
            await jobs.PurgeFinishedAsync(Time.GetUtcNow() - Settings.FinishedJobRetention, cancellationToken);
            _nextPurge = Time.GetUtcNow() + TimeSpan.FromHours(1);
        }

        return worked;
    }

    private async Task RunAsync(FanOutJob job, CancellationToken stoppingToken)
    {
        if (registry.FindClient(job.Issuer, job.ClientId) is not { } client)
        {
            await jobs.FinishAsync(job.Id, Owner, FanOutJobState.Failed, "client_not_configured", stoppingToken);
            LogJobFailed(logger, job.Id, job.ClientId, "client_not_configured");
            return;
        }

        var cursor = job.Cursor;
        var total = job.Sessions;
        if (cursor is null)
        {
            // First the action itself, as Keycloak would have sent it (KeycloakAdmin clients only), then the sessions.
            await pipeline.ForwardAsync(client, new KeycloakAdminAction(job.Action, job.ActionId, job.NotBefore), stoppingToken);
            cursor = "";
            if (!await jobs.AdvanceAsync(job.Id, Owner, cursor, total, Settings.LeaseDuration, stoppingToken))
            {
                LogLeaseLost(logger, job.Id);
                return;
            }
        }

        LogJobStarted(logger, job.Id, job.Action, job.ClientId, job.CapturedBefore, cursor.Length > 0);
        while (true)
        {
            var page = await sessions.ListByClientAsync(job.Issuer, job.ClientId, cursor.Length == 0 ? null : cursor, job.CapturedBefore, Settings.PageSize, stoppingToken);
            if (page.Count == 0)
            {
                await jobs.FinishAsync(job.Id, Owner, FanOutJobState.Done, null, stoppingToken);
                LogJobDone(logger, job.Id, job.ClientId, total, Time.GetUtcNow() - job.CreatedAt);
                return;
            }

            var ended = page.Where(m => m.AppSessions.Count > 0).ToList();
            if (ended.Count > 0)
            {
                var source = job.Action == KeycloakAdminAction.PushNotBefore ? LogoutSource.PushRevocation : LogoutSource.SignOutAll;
                var result = await pipeline.ProcessAsync(LogoutRequest.ForSessions(client, source, ended), stoppingToken);
                metrics.SessionsQueued(client.ClientId, result.AppSessionCount);
                total += result.AppSessionCount;
            }

            cursor = page[^1].Cursor ?? page[^1].Key.Sid;
            if (!await jobs.AdvanceAsync(job.Id, Owner, cursor, total, Settings.LeaseDuration, stoppingToken))
            {
                LogLeaseLost(logger, job.Id);
                return;
            }
        }
    }

    [LoggerMessage(EventId = EventIds.FanOutJobStarted, EventName = nameof(EventIds.FanOutJobStarted), Level = LogLevel.Information,
        Message = "Fan-out job {JobId} ({Action}) for client {ClientId} started: sessions captured before {CapturedBefore:O} (resumed: {Resumed})")]
    private static partial void LogJobStarted(ILogger logger, string jobId, string action, string clientId, DateTimeOffset capturedBefore, bool resumed);

    [LoggerMessage(EventId = EventIds.FanOutJobDone, EventName = nameof(EventIds.FanOutJobDone), Level = LogLevel.Information,
        Message = "Fan-out job {JobId} for client {ClientId} done: {Sessions} application sessions queued for logout, {Elapsed} after it was accepted")]
    private static partial void LogJobDone(ILogger logger, string jobId, string clientId, long sessions, TimeSpan elapsed);

    [LoggerMessage(EventId = EventIds.FanOutJobFailed, EventName = nameof(EventIds.FanOutJobFailed), Level = LogLevel.Error,
        Message = "Fan-out job {JobId} for client {ClientId} failed: {Reason}")]
    private static partial void LogJobFailed(ILogger logger, string jobId, string clientId, string reason);

    [LoggerMessage(EventId = EventIds.FanOutLeaseLost, EventName = nameof(EventIds.FanOutLeaseLost), Level = LogLevel.Warning,
        Message = "Fan-out job {JobId}: the lease ran out and another replica took it over; this replica stops working it")]
    private static partial void LogLeaseLost(ILogger logger, string jobId);

}
