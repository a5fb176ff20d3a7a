using LogoutEnricher.Diagnostics;
using LogoutEnricher.Logout;

namespace LogoutEnricher.Operations.Telemetry;

/// <summary>
/// The audit trail: one event per capture and one per logout, under the logger category <c>LogoutEnricher.Audit</c>
/// so operators can route them apart (e.g. a Serilog sub-logger filtered on SourceContext). Event ids and property
/// names are a contract, listed in docs/operations.md; never rename them. Ids are hashed, never raw:
/// the events answer "did user X's logout reach app Y" by matching <c>SidHash</c> (see <c>SidHash</c>) or
/// <c>Subject</c>, without holding a credential.
/// </summary>
internal sealed partial class AuditLog(ILoggerFactory loggerFactory, IEnumerable<IAuditObserver> observers)
{
    private readonly IAuditObserver[] _observers = observers.ToArray();

    public const string Category = "LogoutEnricher.Audit";

    private readonly ILogger _logger = loggerFactory.CreateLogger(Category);

    public void SessionCaptured(string issuer, string clientId, string sidHash, string? subject)
    {
        LogSessionCaptured(_logger, issuer, clientId, sidHash, subject ?? "-");
        foreach (var observer in _observers)
        {
            observer.SessionCaptured(issuer, clientId, sidHash, subject);
        }
    }

    /// <summary>One logout the pipeline processed, from whichever source.</summary>
    public void LogoutProcessed(Protocol.Providers.ConfiguredClient client, string sidHash, string? subject, int appSessionCount, LogoutOutcome outcome, TimeSpan elapsed,
        LogoutSource source, string? reason, string trailId, DateTimeOffset acceptedAt)
    {
        var processed = new ProcessedLogout(client.Issuer, client.ClientId, sidHash, subject, appSessionCount, outcome, elapsed, source, reason, trailId, acceptedAt);
        LogLogoutProcessed(_logger, outcome.Name(), client.ClientId, client.Issuer, sidHash, subject ?? "-", appSessionCount, elapsed.TotalMilliseconds,
            source.Name(), reason ?? "-");
        foreach (var observer in _observers)
        {
            observer.LogoutProcessed(processed);
        }
    }

    /// <summary>One delivery attempt, in either delivery mode: what reached (or did not reach) the application.</summary>
    public void LogoutDelivered(Protocol.Providers.ConfiguredClient client, string sidHash, int appSessionCount, Delivery.DeliveryResult result, Delivery.DeliveryTrail? trail)
    {
        var attempt = new DeliveredAttempt(client.Issuer, client.ClientId, sidHash, appSessionCount, result, trail);
        LogLogoutDelivered(_logger, result.Succeeded ? "delivered" : "failed", client.ClientId, client.Issuer, sidHash, appSessionCount,
            result.StatusCode ?? 0, result.Error ?? "-", result.Elapsed.TotalMilliseconds);
        foreach (var observer in _observers)
        {
            observer.LogoutDelivered(attempt);
        }
    }

    [LoggerMessage(EventId = EventIds.SessionCaptured, EventName = nameof(EventIds.SessionCaptured), Level = LogLevel.Information,
        Message = "Session captured for client {ClientId} of {Issuer}: sid hash {SidHash}, subject {Subject}")]
    private static partial void LogSessionCaptured(ILogger logger, string issuer, string clientId, string sidHash, string subject);

    [LoggerMessage(EventId = EventIds.LogoutProcessed, EventName = nameof(EventIds.LogoutProcessed), Level = LogLevel.Information,
        Message = "Logout {Outcome} for client {ClientId} of {Issuer}: sid hash {SidHash}, subject {Subject}, {AppSessionCount} app sessions, {ElapsedMs:0.0} ms ({Trigger}, reason {Reason})")]
    private static partial void LogLogoutProcessed(ILogger logger, string outcome, string clientId, string issuer, string sidHash, string subject, int appSessionCount, double elapsedMs, string trigger, string reason);

    [LoggerMessage(EventId = EventIds.LogoutDelivered, EventName = nameof(EventIds.LogoutDelivered), Level = LogLevel.Information,
        Message = "Logout delivery {Outcome} to client {ClientId} of {Issuer}: sid hash {SidHash}, {AppSessionCount} app sessions, HTTP {StatusCode}, error {Error}, {ElapsedMs:0.0} ms")]
    private static partial void LogLogoutDelivered(ILogger logger, string outcome, string clientId, string issuer, string sidHash, int appSessionCount, int statusCode, string error, double elapsedMs);
}
