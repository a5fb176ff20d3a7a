using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.Hardening;
using LogoutEnricher.Protocol;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace LogoutEnricher.Protocol.Capture;

/// <summary>
/// Forwards token requests (and, in front-door mode, everything else) to the provider with YARP's forwarder. The
/// request and the response pass byte for byte; only a token request carrying <c>client_session_state</c> is read.
/// </summary>
internal sealed partial class TokenEndpointForwarder(
    IHttpForwarder forwarder,
    ForwarderHttpClient httpClient,
    CaptureTransformer captureTransformer,
    IOptions<UpstreamOptions> upstream,
    IOptions<CaptureOptions> capture,
    ILogger<TokenEndpointForwarder> logger)
{
    /// <summary>Forwards a token request to <paramref name="destinationPrefix"/> (path kept) or exactly to <paramref name="exactDestination"/>.</summary>
    /// <param name="scope">The issuers whose sessions this route may capture.</param>
    public async Task ForwardTokenRequestAsync(HttpContext context, Uri destinationPrefix, Uri? exactDestination, IssuerScope scope)
    {
        TokenRequest? tokenRequest;
        try
        {
            tokenRequest = await ReadTokenRequestAsync(context.Request);
        }
        catch (Exception exception) when (RequestBodyFailures.Classify(exception) is { } failure)
        {
            // The client's body broke off or stalled before anything was forwarded: the client's fault, said so.
            await RejectBodyAsync(context, failure);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while sending its body: no one is left to answer.
            LogRequestBodyRejected(logger, "was abandoned by the client");
            return;
        }

        if (tokenRequest is not null)
        {
            context.Features.Set(new CaptureFeature(tokenRequest, exactDestination, scope));
        }
        else if (exactDestination is not null)
        {
            context.Features.Set(new CaptureFeature(null, exactDestination, scope));
        }

        await ForwardAsync(context, destinationPrefix, captureTransformer);
    }

    /// <summary>Front-door mode: any other request, forwarded untouched, with the Host the client used.</summary>
    public async Task ForwardOtherAsync(HttpContext context, Uri destinationPrefix)
    {
        if (!FrontDoorTransformer.CanCarry(context.Request.Host))
        {
            // The client's Host cannot be written into an outgoing request: the client's fault, said so here (the
            // forwarder would report it as a provider that could not be reached).
            LogHostRefused(logger, context.Request.Host.Value?.Length ?? 0);
            await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status400BadRequest, OAuthErrors.InvalidRequest,
                "the Host header is not a host name that can be forwarded to the identity provider");
            return;
        }

        await ForwardAsync(context, destinationPrefix, FrontDoorTransformer.Instance);
    }

    private async Task ForwardAsync(HttpContext context, Uri destinationPrefix, HttpTransformer transformer)
    {
        var requestConfig = new ForwarderRequestConfig { ActivityTimeout = upstream.Value.Timeout };
        var error = await forwarder.SendAsync(context, destinationPrefix.ToString(), httpClient.Invoker, requestConfig, transformer);
        if (error == ForwarderError.None)
        {
            return;
        }

        var exception = context.GetForwarderErrorFeature()?.Exception;
        if (error == ForwarderError.RequestBodyClient)
        {
            // YARP could not read the client's body (broken chunks, a huge trailer, a stall): not the provider's doing.
            await RejectBodyAsync(context, exception is null ? RequestBodyFailure.Malformed : RequestBodyFailures.Classify(exception) ?? RequestBodyFailure.Malformed);
            return;
        }

        if (error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-request; no one is left to answer, and the provider did nothing wrong.
            LogRequestBodyRejected(logger, "was abandoned by the client");
            return;
        }

        LogForwardFailed(logger, error, exception?.GetType().Name);
        if (!context.Response.HasStarted)
        {
            // YARP chose 502 (unreachable) or 504 (timeout); add the body an OAuth client expects.
            var status = context.Response.StatusCode is StatusCodes.Status504GatewayTimeout or StatusCodes.Status502BadGateway
                ? context.Response.StatusCode
                : StatusCodes.Status502BadGateway;
            await OAuthErrors.WriteAsync(context.Response, status, OAuthErrors.TemporarilyUnavailable, "the identity provider could not be reached");
        }
    }

    /// <summary>
    /// Reads the whole body before anything is forwarded, so that a body the client breaks, stalls or makes too large
    /// is answered here and never half-sent to the provider (where the failure would race with the upstream exchange
    /// and could come out as "the provider could not be reached"). Only a form body within
    /// <see cref="CaptureOptions.MaxRequestBodyBytes"/> is parsed; anything else is forwarded unread.
    /// </summary>
    private async Task<TokenRequest?> ReadTokenRequestAsync(HttpRequest request)
    {
        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false } || request.ContentLength == 0)
        {
            return null;
        }

        // Note: held in memory, never spilled to a temporary file: a token request carries client secrets and codes.
        // The route's body limit (RequestLimits.TokenRequestBodyBytes) bounds it; Kestrel answers a larger one with 413
        // while it is read, so the throw below is only the reader's own bound, answered the same way. Read into an array
        // that grows as the bytes arrive rather than with EnableBuffering, which for a threshold of the whole limit rents
        // a 1 MiB array per request: the shared pool then kept dozens of them (about 40 MiB of committed memory under 32
        // concurrent token requests) for bodies of a few hundred bytes.
        var buffered = await BodyReader.ReadAsync(request.Body, request.ContentLength, (int)RequestLimits.TokenRequestBodyBytes, request.HttpContext.RequestAborted)
            ?? throw new BadHttpRequestException("The token request body is larger than the route allows.", StatusCodes.Status413PayloadTooLarge);
        request.Body = new MemoryStream(buffered.Array!, buffered.Offset, buffered.Count, writable: false, publiclyVisible: true);

        var limit = capture.Value.MaxRequestBodyBytes;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || request.Body.Length is 0 || request.Body.Length > limit)
        {
            // Not something we read: it passes through untouched.
            return null;
        }

        Dictionary<string, StringValues> form;
        try
        {
            using var reader = new FormReader(request.Body, System.Text.Encoding.UTF8) { ValueCountLimit = 64, ValueLengthLimit = limit };
            form = await reader.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return null;
        }
        finally
        {
            request.Body.Position = 0;
        }

        return TokenRequest.From(form, request.Headers.Authorization);
    }

    [LoggerMessage(EventId = EventIds.ForwardingHostRefused, EventName = nameof(EventIds.ForwardingHostRefused), Level = LogLevel.Information,
        Message = "A request was answered 400 without forwarding: its Host header ({Length} characters) is not a host name an outgoing request can carry")]
    private static partial void LogHostRefused(ILogger logger, int length);

    [LoggerMessage(EventId = EventIds.ForwardingFailed, EventName = nameof(EventIds.ForwardingFailed), Level = LogLevel.Warning, Message = "Forwarding to the provider failed: {Error} ({ExceptionType})")]
    private static partial void LogForwardFailed(ILogger logger, ForwarderError error, string? exceptionType);
}

/// <summary>The one connection pool to the provider, shared by every forwarded request.</summary>
internal sealed class ForwarderHttpClient : IDisposable
{
    public HttpMessageInvoker Invoker { get; } = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ActivityHeadersPropagator = new ReverseProxyPropagator(System.Diagnostics.DistributedContextPropagator.Current),
    });

    public void Dispose() => Invoker.Dispose();
}

/// <summary>
/// Front-door forwarding keeps the request's Host header (YARP's default sends the destination's), as an ingress does
/// (nginx <c>proxy_set_header Host $http_host</c>).
/// </summary>
internal sealed class FrontDoorTransformer : HttpTransformer
{
    public static readonly FrontDoorTransformer Instance = new();

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

        // Note: Keycloak with KC_HOSTNAME_BACKCHANNEL_DYNAMIC (or without KC_HOSTNAME) names its back-channel endpoints,
        // jwks_uri among them, at the Host it was asked: through the front door that must be the front door, so that an
        // application reading discovery here finds the realm key set LogoutEnricher serves, not Keycloak's own.
        proxyRequest.Headers.Host = httpContext.Request.Host.Value;
    }

    /// <summary>
    /// Whether an outgoing request can carry <paramref name="host"/>. Note: Kestrel accepts any Host made of valid
    /// characters, but HttpClient refuses (FormatException) one it would not send itself, such as a single label of
    /// 300 characters; asked before forwarding, so such a request is the client's 400, not a 502.
    /// </summary>
    public static bool CanCarry(HostString host)
    {
        if (host.Value is not { Length: > 0 } value)
        {
            return true;
        }

        using var probe = new HttpRequestMessage();
        try
        {
            probe.Headers.Host = value;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
