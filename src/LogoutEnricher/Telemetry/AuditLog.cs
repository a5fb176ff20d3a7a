namespace LogoutEnricher.Telemetry;

/// <summary>
/// The audit trail: one event per capture and one per logout, under the logger category <c>LogoutEnricher.Audit</c>
/// so operators can route them apart (e.g. a Serilog sub-logger filtered on SourceContext). Event ids and property
/// names are a contract, listed in the README's Operations section; never rename them. Ids are hashed, never raw:
/// the events answer "did user X's logout reach app Y" by matching <c>SidHash</c> (see <c>SidHash</c>) or
/// <c>Subject</c>, without holding a credential.
/// </summary>
internal sealed partial class AuditLog(ILoggerFactory loggerFactory)
{
    public const string Category = "LogoutEnricher.Audit";

    private readonly ILogger _logger = loggerFactory.CreateLogger(Category);

    public void SessionCaptured(string issuer, string clientId, string sidHash, string? subject) =>
        LogSessionCaptured(_logger, issuer, clientId, sidHash, subject ?? "-");

    /// <param name="outcome">delivered, delivery_failed or queued.</param>
    /// <param name="trigger">provider (a received logout token) or admin (sent by hand).</param>
    public void LogoutProcessed(string issuer, string clientId, string sidHash, string? subject, int appSessionCount, string outcome, TimeSpan elapsed, string trigger) =>
        LogLogoutProcessed(_logger, outcome, clientId, issuer, sidHash, subject ?? "-", appSessionCount, elapsed.TotalMilliseconds, trigger);

    /// <summary>One delivery attempt, in either delivery mode: what reached (or did not reach) the application.</summary>
    public void LogoutDelivered(Providers.ConfiguredClient client, string sidHash, int appSessionCount, Delivery.DeliveryResult result) =>
        LogLogoutDelivered(_logger, result.Succeeded ? "delivered" : "failed", client.ClientId, client.Issuer, sidHash, appSessionCount,
            result.StatusCode ?? 0, result.Error ?? "-", result.Elapsed.TotalMilliseconds);

    [LoggerMessage(EventId = 9001, EventName = "SessionCaptured", Level = LogLevel.Information,
        Message = "Session captured for client {ClientId} of {Issuer}: sid hash {SidHash}, subject {Subject}")]
    private static partial void LogSessionCaptured(ILogger logger, string issuer, string clientId, string sidHash, string subject);

    [LoggerMessage(EventId = 9002, EventName = "LogoutProcessed", Level = LogLevel.Information,
        Message = "Logout {Outcome} for client {ClientId} of {Issuer}: sid hash {SidHash}, subject {Subject}, {AppSessionCount} app sessions, {ElapsedMs:0.0} ms ({Trigger})")]
    private static partial void LogLogoutProcessed(ILogger logger, string outcome, string clientId, string issuer, string sidHash, string subject, int appSessionCount, double elapsedMs, string trigger);

    [LoggerMessage(EventId = 9003, EventName = "LogoutDelivered", Level = LogLevel.Information,
        Message = "Logout delivery {Outcome} to client {ClientId} of {Issuer}: sid hash {SidHash}, {AppSessionCount} app sessions, HTTP {StatusCode}, error {Error}, {ElapsedMs:0.0} ms")]
    private static partial void LogLogoutDelivered(ILogger logger, string outcome, string clientId, string issuer, string sidHash, int appSessionCount, int statusCode, string error, double elapsedMs);
}
