using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Hosting;
using LogoutEnricher.Storage;
using LogoutEnricher.Telemetry;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace LogoutEnricher.Capture;

/// <summary>The token request of one exchange, handed from the endpoint to the transformer.</summary>
internal sealed record CaptureFeature(TokenRequest? Request, Uri? ExactDestination, IssuerScope Scope);

/// <summary>
/// Forwards the exchange unchanged and, on a 200, reads the response to record the session before the application
/// gets it. Under <see cref="CaptureFailurePolicy.Reject"/> a store failure replaces the response with a 503, so no
/// application holds tokens for a session LogoutEnricher could not record.
/// </summary>
internal sealed partial class CaptureTransformer(
    SessionCapturer capturer,
    IOptions<LogoutEnricherOptions> options,
    LogoutEnricherMetrics metrics,
    ILogger<CaptureTransformer> logger) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var feature = httpContext.Features.Get<CaptureFeature>();
        if (feature?.ExactDestination is { } destination)
        {
            proxyRequest.RequestUri = destination;
        }

        if (feature?.Request is not null)
        {
            // Note: a compressed token response could not be read, and its session would go unrecorded; token
            // responses are small, so ask the provider for identity encoding.
            proxyRequest.Headers.AcceptEncoding.Clear();
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var feature = httpContext.Features.Get<CaptureFeature>();
        if (feature?.Request is { } request && proxyResponse is { StatusCode: System.Net.HttpStatusCode.OK } && !await TryCaptureAsync(request, feature.Scope, proxyResponse, cancellationToken))
        {
            await OAuthErrors.WriteAsync(httpContext.Response, StatusCodes.Status503ServiceUnavailable, OAuthErrors.TemporarilyUnavailable,
                "the session could not be recorded for single logout; try again later");
            return false;
        }

        return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    /// <returns>False only when the response must be withheld (store failure under Reject).</returns>
    private async Task<bool> TryCaptureAsync(TokenRequest request, IssuerScope scope, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var activity = LogoutEnricherActivities.StartCapture(request.ClientId);
        var capture = options.Value.Capture;
        if (response.Content.Headers.ContentLength > capture.MaxResponseBodyBytes)
        {
            metrics.CaptureCompleted(request.ClientId, "not_read");
            return true;
        }

        // Note: buffering lets the forwarder copy the very same bytes to the application afterwards.
        await response.Content.LoadIntoBufferAsync(capture.MaxResponseBodyBytes, cancellationToken);
        var parsed = TokenResponse.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        if (parsed is null)
        {
            LogNoSessionInResponse(logger, request.ClientId);
            metrics.CaptureCompleted(request.ClientId, "no_session");
            return true;
        }

        if (!scope.Allows(parsed.Issuer))
        {
            LogIssuerOutOfScope(logger, request.ClientId);
            metrics.CaptureCompleted(request.ClientId, "issuer_mismatch");
            return true;
        }

        try
        {
            var captured = await capturer.CaptureAsync(request, parsed, cancellationToken);
            metrics.CaptureCompleted(request.ClientId, captured ? "captured" : "unknown_client");
            return true;
        }
        catch (StorageUnavailableException exception)
        {
            var reject = capture.FailurePolicy == CaptureFailurePolicy.Reject;
            LogCaptureFailed(logger, request.ClientId, reject ? "rejected" : "allowed", exception.Message);
            metrics.CaptureCompleted(request.ClientId, reject ? "store_failed_rejected" : "store_failed_allowed");
            metrics.StoreFailed("capture");
            return !reject;
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Token response for client {ClientId} names no session and issuer; nothing captured")]
    private static partial void LogNoSessionInResponse(ILogger logger, string clientId);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Token response for client {ClientId} names an issuer that does not belong to the route's provider; nothing captured")]
    private static partial void LogIssuerOutOfScope(ILogger logger, string clientId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Capture for client {ClientId} failed, token response {Decision}: {ErrorMessage}")]
    private static partial void LogCaptureFailed(ILogger logger, string clientId, string decision, string errorMessage);
}
