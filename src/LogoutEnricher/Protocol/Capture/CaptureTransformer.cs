using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Protocol;
using LogoutEnricher.Protocol.BackChannelLogout;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace LogoutEnricher.Protocol.Capture;

/// <summary>The token request of one exchange, handed from the endpoint to the transformer.</summary>
internal sealed record CaptureFeature(TokenRequest? Request, Uri? ExactDestination, IssuerScope Scope);

/// <summary>
/// Forwards the exchange unchanged and, on a 200, reads the response to record the session before the application
/// gets it. Under <see cref="CaptureFailurePolicy.Reject"/> a store failure replaces the response with a 503, so no
/// application holds tokens for a session LogoutEnricher could not record.
/// </summary>
internal sealed partial class CaptureTransformer(
    SessionCapturer capturer,
    IOptions<CaptureOptions> options,
    StoreFailures failures,
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
        if (feature?.Request is { } request && proxyResponse is { StatusCode: System.Net.HttpStatusCode.OK })
        {
            switch (await TryCaptureAsync(request, feature.Scope, proxyResponse, cancellationToken))
            {
                case CaptureDecision.Withhold:
                    await OAuthErrors.WriteAsync(httpContext.Response, StatusCodes.Status503ServiceUnavailable, OAuthErrors.TemporarilyUnavailable,
                        "the session could not be recorded for single logout; try again later");
                    return false;
                case CaptureDecision.UpstreamBrokeOff:
                    await OAuthErrors.WriteAsync(httpContext.Response, StatusCodes.Status502BadGateway, OAuthErrors.TemporarilyUnavailable,
                        "the identity provider's answer broke off");
                    return false;
            }
        }

        return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    private enum CaptureDecision
    {
        PassOn,
        Withhold,
        UpstreamBrokeOff,
    }

    private async Task<CaptureDecision> TryCaptureAsync(TokenRequest request, IssuerScope scope, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var label = request.ClientId ?? "unknown";
        using var activity = LogoutEnricherActivities.StartCapture(label);
        var capture = options.Value;
        if (request.Unreadable)
        {
            return Skipped(label, "not_read");
        }

        byte[]? body;
        try
        {
            body = await BoundedResponseBody.ReadAsync(response, capture.MaxResponseBodyBytes, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            LogUpstreamBrokeOff(logger, exception.GetType().Name);
            return CaptureDecision.UpstreamBrokeOff;
        }

        // What cannot be read passes through unread: too large, not valid UTF-8, text that cannot be decoded.
        var readable = false;
        var parsed = body is null ? null : TokenResponse.Parse(body, out readable);
        if (!readable)
        {
            return Skipped(label, "not_read");
        }

        if (parsed is null)
        {
            LogNoSessionInResponse(logger, label);
            metrics.CaptureCompleted(label, "no_session");
            return CaptureDecision.PassOn;
        }

        if (!scope.Allows(parsed.Issuer))
        {
            LogIssuerOutOfScope(logger, label);
            metrics.CaptureCompleted(label, "issuer_mismatch");
            return CaptureDecision.PassOn;
        }

        // Recorded under the client the tokens were issued to, and only when every client the request names agrees:
        // a provider less strict than Keycloak may accept a client_id that is not the authenticated client.
        if (request.AgreedClient(parsed.ClientId) is not { } clientId)
        {
            return Skipped(parsed.ClientId ?? label, parsed.ClientId is null && request.ClientHints.Count == 0 ? "client_unknown" : "client_mismatch");
        }

        // Note: a refresh records nothing new, so FailurePolicy does not apply to it: the mapping is there, only its
        // expiry would not move, and the next refresh tries again.
        var reject = !request.ExtendsOnly && capture.FailurePolicy == CaptureFailurePolicy.Reject;
        var consequence = request.ExtendsOnly ? "refresh passed on; the mapping's expiry was not extended"
            : reject ? "token response replaced by 503 (FailurePolicy Reject)" : "tokens returned uncaptured (FailurePolicy Allow)";
        var attempt = await failures.TryAsync("capture", consequence, () => capturer.CaptureAsync(request, parsed, cancellationToken));
        if (!attempt.Succeeded)
        {
            metrics.CaptureCompleted(clientId, reject ? "store_failed_rejected" : "store_failed_allowed");
            return reject ? CaptureDecision.Withhold : CaptureDecision.PassOn;
        }

        var captured = attempt.Value;
        metrics.CaptureCompleted(clientId, request.ExtendsOnly ? captured ? "extended" : "not_extended" : captured ? "captured" : "unknown_client");
        return CaptureDecision.PassOn;
    }

    private CaptureDecision Skipped(string clientId, string reason)
    {
        LogCaptureSkipped(logger, clientId, reason);
        metrics.CaptureCompleted(clientId, reason);
        return CaptureDecision.PassOn;
    }
}
