using LogoutEnricher.Delivery;
using LogoutEnricher.Diagnostics;
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
    FanOutSignal signal,
    FanOutMetrics metrics,
    IOptions<FanOutOptions> options,
    TimeProvider timeProvider,
    ILogger<FanOutWorker> logger) : BackgroundService
{
    /// <summary>Unique per process and host instance, so two replicas (or two hosts in one test) never share a lease.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    private FanOutOptions Settings => options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPurge = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var worked = false;
                try
                {
                    if (await jobs.LeaseAsync(Owner, Settings.LeaseDuration, stoppingToken) is { } job)
                    {
                        worked = true;
                        await RunAsync(job, stoppingToken);
                    }

                    if (timeProvider.GetUtcNow() >= nextPurge)
                    {
                        await jobs.PurgeFinishedAsync(timeProvider.GetUtcNow() - Settings.FinishedJobRetention, stoppingToken);
                        nextPurge = timeProvider.GetUtcNow() + TimeSpan.FromHours(1);
                    }
                }
                catch (StorageUnavailableException exception)
                {
                    // Note: the job's lease runs out and it is resumed from its saved cursor, here or by another replica.
                    LogStoreFailed(logger, exception.Message);
                    worked = false;
                }

                if (!worked)
                {
                    await signal.WaitAsync(Settings.PollInterval, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the lease runs out and the job resumes from its cursor.
        }
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
                LogJobDone(logger, job.Id, job.ClientId, total, timeProvider.GetUtcNow() - job.CreatedAt);
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

    [LoggerMessage(EventId = EventIds.FanOutStoreFailed, EventName = nameof(EventIds.FanOutStoreFailed), Level = LogLevel.Error,
        Message = "The store failed during a fan-out; the job resumes from its saved cursor: {ErrorMessage}")]
    private static partial void LogStoreFailed(ILogger logger, string errorMessage);
}
