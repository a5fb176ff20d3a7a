using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.Hardening;
using LogoutEnricher.Protocol;

namespace LogoutEnricher.Protocol.Capture;

/// <summary>A token request whose body the client broke, stalled or abandoned: answered here, never blamed on the provider.</summary>
internal sealed partial class TokenEndpointForwarder
{
    private async Task RejectBodyAsync(HttpContext context, RequestBodyFailure failure)
    {
        LogRequestBodyRejected(logger, failure == RequestBodyFailure.TooSlow ? "arrived too slowly" : failure == RequestBodyFailure.TooLarge ? "is too large" : "has broken HTTP framing");
        if (context.Response.HasStarted)
        {
            return;
        }

        // The rest of the body cannot be read: the connection ends with this answer.
        context.Response.Headers.Connection = "close";
        var (status, description) = failure switch
        {
            RequestBodyFailure.TooSlow => (StatusCodes.Status408RequestTimeout, "the request body arrived too slowly"),
            RequestBodyFailure.TooLarge => (StatusCodes.Status413PayloadTooLarge, "the request body is too large"),
            _ => (StatusCodes.Status400BadRequest, "the request body cannot be read: its HTTP framing is broken"),
        };
        await OAuthErrors.WriteAsync(context.Response, status, OAuthErrors.InvalidRequest, description);
    }

    [LoggerMessage(EventId = EventIds.TokenRequestBodyRejected, EventName = nameof(EventIds.TokenRequestBodyRejected), Level = LogLevel.Information,
        Message = "A token request was answered without forwarding: its body {Problem}")]
    private static partial void LogRequestBodyRejected(ILogger logger, string problem);
}
