using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace LogoutEnricher.Capture;

/// <summary>
/// Forwards token requests (and, in front-door mode, everything else) to the provider with YARP's forwarder. The
/// request and the response pass byte for byte; only a token request carrying <c>client_session_state</c> is read.
/// </summary>
internal sealed partial class TokenEndpointForwarder(
    IHttpForwarder forwarder,
    ForwarderHttpClient httpClient,
    CaptureTransformer captureTransformer,
    IOptions<LogoutEnricherOptions> options,
    ILogger<TokenEndpointForwarder> logger)
{
    /// <summary>Forwards a token request to <paramref name="destinationPrefix"/> (path kept) or exactly to <paramref name="exactDestination"/>.</summary>
    /// <param name="scope">The issuers whose sessions this route may capture.</param>
    public async Task ForwardTokenRequestAsync(HttpContext context, Uri destinationPrefix, Uri? exactDestination, IssuerScope scope)
    {
        if (await ReadTokenRequestAsync(context.Request) is { } tokenRequest)
        {
            context.Features.Set(new CaptureFeature(tokenRequest, exactDestination, scope));
        }
        else if (exactDestination is not null)
        {
            context.Features.Set(new CaptureFeature(null, exactDestination, scope));
        }

        await ForwardAsync(context, destinationPrefix, captureTransformer);
    }

    /// <summary>Front-door mode: any other request, forwarded untouched.</summary>
    public Task ForwardOtherAsync(HttpContext context, Uri destinationPrefix) => ForwardAsync(context, destinationPrefix, HttpTransformer.Default);

    private async Task ForwardAsync(HttpContext context, Uri destinationPrefix, HttpTransformer transformer)
    {
        var requestConfig = new ForwarderRequestConfig { ActivityTimeout = options.Value.Upstream.Timeout };
        var error = await forwarder.SendAsync(context, destinationPrefix.ToString(), httpClient.Invoker, requestConfig, transformer);
        if (error == ForwarderError.None)
        {
            return;
        }

        LogForwardFailed(logger, error, context.GetForwarderErrorFeature()?.Exception?.GetType().Name);
        if (!context.Response.HasStarted)
        {
            // YARP chose 502 (unreachable) or 504 (timeout); add the body an OAuth client expects.
            var status = context.Response.StatusCode is StatusCodes.Status504GatewayTimeout or StatusCodes.Status502BadGateway
                ? context.Response.StatusCode
                : StatusCodes.Status502BadGateway;
            await OAuthErrors.WriteAsync(context.Response, status, OAuthErrors.TemporarilyUnavailable, "the identity provider could not be reached");
        }
    }

    private async Task<TokenRequest?> ReadTokenRequestAsync(HttpRequest request)
    {
        var limit = options.Value.Capture.MaxRequestBodyBytes;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || request.ContentLength is null or 0 || request.ContentLength > limit)
        {
            // Not something we read: it passes through untouched.
            return null;
        }

        request.EnableBuffering(bufferThreshold: limit, bufferLimit: limit);
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

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Forwarding to the provider failed: {Error} ({ExceptionType})")]
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
