using LogoutEnricher.Diagnostics;

namespace LogoutEnricher.Protocol.Capture;

internal sealed partial class CaptureTransformer
{
    [LoggerMessage(EventId = EventIds.CaptureSkipped, EventName = nameof(EventIds.CaptureSkipped), Level = LogLevel.Warning,
        Message = "Token response for client {ClientId} passed on without capture: {Reason}")]
    private static partial void LogCaptureSkipped(ILogger logger, string clientId, string reason);

    [LoggerMessage(EventId = EventIds.UpstreamAnswerBrokeOff, EventName = nameof(EventIds.UpstreamAnswerBrokeOff), Level = LogLevel.Warning,
        Message = "The provider's token response broke off while it was read ({ExceptionType})")]
    private static partial void LogUpstreamBrokeOff(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = EventIds.CaptureSkippedNoSession, EventName = nameof(EventIds.CaptureSkippedNoSession), Level = LogLevel.Warning, Message = "Token response for client {ClientId} names no session and issuer; nothing captured")]
    private static partial void LogNoSessionInResponse(ILogger logger, string clientId);

    [LoggerMessage(EventId = EventIds.CaptureSkippedForeignIssuer, EventName = nameof(EventIds.CaptureSkippedForeignIssuer), Level = LogLevel.Warning, Message = "Token response for client {ClientId} names an issuer that does not belong to the route's provider; nothing captured")]
    private static partial void LogIssuerOutOfScope(ILogger logger, string clientId);
}
