using System.Diagnostics;
using System.Text;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.Hardening;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Logout;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Protocol;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LogoutEnricher.Protocol.BackChannelLogout;

/// <summary>
/// <c>POST /backchannel-logout[/{clientId}]</c>: receives the provider's logout token (BCL 1.0 §2.5), validates it,
/// and hands it to the <see cref="LogoutPipeline"/>. 200 on success, 400 with an OAuth error body otherwise.
/// </summary>
internal sealed partial class BackChannelLogoutEndpoint(
    LogoutTokenValidator validator,
    LogoutPipeline pipeline,
    IOptions<LogoutOptions> options,
    LogoutEnricherMetrics metrics,
    StoreFailures failures,
    ILogger<BackChannelLogoutEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context, string? clientId)
    {
        using var activity = LogoutEnricherActivities.StartLogout();
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        var cancellationToken = context.RequestAborted;

        var (token, readRejection) = await ReadLogoutTokenAsync(context.Request, cancellationToken);
        if (token is null)
        {
            await RejectAsync(context, readRejection.Reason, readRejection.Description!);
            return;
        }

        try
        {
            // Note: a store failure anywhere (the replay check, the mappings, the outbox) is reported once by StoreFailures
            // and answered temporarily_unavailable: the provider may resend, and its jti was given back.
            if (!await failures.TryAsync("logout", "answered temporarily_unavailable; the provider may resend",
                    () => ValidateAndProcessAsync(context, token, clientId, activity, cancellationToken)))
            {
                await UnavailableAsync(context);
            }
        }
        catch (ProviderUnavailableException exception)
        {
            LogLogoutUnavailable(logger, exception.GetType().Name, exception.Message);
            await UnavailableAsync(context);
        }
    }

    private async Task ValidateAndProcessAsync(HttpContext context, string token, string? clientId, Activity? activity, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(token, clientId, cancellationToken);
        if (validation.Token is not { } validated)
        {
            await RejectAsync(context, validation.Reason, validation.Description!);
            return;
        }

        var result = await pipeline.ProcessAsync(validated.ToRequest(), cancellationToken);
        if (result.Outcome == LogoutOutcome.Replayed)
        {
            // Another copy of this token claimed its jti first.
            await RejectAsync(context, RejectionReason.Replayed, "this jti was accepted before");
            return;
        }

        metrics.LogoutCompleted(result.Outcome);
        activity?.SetTag("logoutenricher.client", validated.Client.ClientId).SetTag("logoutenricher.outcome", result.Outcome.Name());
        if (result.Outcome is LogoutOutcome.Delivered or LogoutOutcome.Queued or LogoutOutcome.NothingToDo)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        var failed = result.Deliveries.First(d => !d.Succeeded);
        await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status400BadRequest, OAuthErrors.DeliveryFailed,
            $"the application did not accept the logout ({failed.Describe()})");
    }

    private async Task UnavailableAsync(HttpContext context)
    {
        metrics.LogoutCompleted(LogoutOutcome.Unavailable);
        await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status400BadRequest, OAuthErrors.TemporarilyUnavailable,
            "the logout cannot be processed right now; send it again later");
    }

    private async Task<(string? Token, LogoutTokenValidationResult Rejection)> ReadLogoutTokenAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || (mediaType.Charset.HasValue && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                && !mediaType.Charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, LogoutTokenValidationResult.Reject(RejectionReason.UnsupportedContentType, "the body must be application/x-www-form-urlencoded"));
        }

        var limit = options.Value.MaxRequestBodyBytes;
        var tooLarge = LogoutTokenValidationResult.Reject(RejectionReason.BodyTooLarge, $"the body exceeds {limit} bytes");
        if (request.ContentLength > limit)
        {
            return (null, tooLarge);
        }

        ArraySegment<byte>? body;
        try
        {
            body = await BodyReader.ReadAsync(request.Body, request.ContentLength, limit, cancellationToken);
        }
        catch (Exception exception) when (RequestBodyFailures.Classify(exception) is { } failure)
        {
            // Kestrel refused the body itself: larger than the server's limit, broken chunked framing, or too slow.
            return (null, failure switch
            {
                RequestBodyFailure.TooLarge => tooLarge,
                RequestBodyFailure.TooSlow => LogoutTokenValidationResult.Reject(RejectionReason.BodyTimeout, RequestBodyFailures.Describe(failure)),
                _ => LogoutTokenValidationResult.Reject(RejectionReason.MalformedRequest, RequestBodyFailures.Describe(failure)),
            });
        }

        if (body is not { } bytes)
        {
            return (null, tooLarge);
        }

        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form;
        try
        {
            using var reader = new FormReader(Encoding.UTF8.GetString(bytes)) { ValueCountLimit = 16 };
            form = await reader.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            return (null, LogoutTokenValidationResult.Reject(RejectionReason.MalformedRequest, "the form body cannot be read"));
        }

        if (!form.TryGetValue("logout_token", out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return (null, LogoutTokenValidationResult.Reject(RejectionReason.MissingLogoutToken, "logout_token is missing"));
        }

        return values.Count > 1
            ? (null, LogoutTokenValidationResult.Reject(RejectionReason.DuplicateLogoutToken, "logout_token must appear exactly once"))
            : (values[0], default);
    }

    private async Task RejectAsync(HttpContext context, RejectionReason reason, string description)
    {
        LogLogoutRejected(logger, reason);
        if (reason is RejectionReason.BodyTooLarge or RejectionReason.BodyTimeout or RejectionReason.MalformedRequest)
        {
            // The rest of the body stays unread; the client must not send its next request on this connection.
            context.Response.Headers.Connection = "close";
        }

        metrics.LogoutRejected(reason);
        Activity.Current?.SetTag("logoutenricher.rejection", reason.ToString());
        await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status400BadRequest, OAuthErrors.InvalidRequest, $"{reason}: {description}");
    }

    [LoggerMessage(EventId = EventIds.LogoutTokenRejected, EventName = nameof(EventIds.LogoutTokenRejected), Level = LogLevel.Warning, Message = "Logout token rejected: {Reason}")]
    private static partial void LogLogoutRejected(ILogger logger, RejectionReason reason);

    [LoggerMessage(EventId = EventIds.LogoutFailed, EventName = nameof(EventIds.LogoutFailed), Level = LogLevel.Error, Message = "Logout could not be processed: {ErrorType}: {ErrorMessage}")]
    private static partial void LogLogoutUnavailable(ILogger logger, string errorType, string errorMessage);
}
