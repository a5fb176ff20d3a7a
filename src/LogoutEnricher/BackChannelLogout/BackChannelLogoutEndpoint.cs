using System.Diagnostics;
using System.Text;
using LogoutEnricher.Hosting;
using LogoutEnricher.Providers;
using LogoutEnricher.Security;
using LogoutEnricher.Storage;
using LogoutEnricher.Telemetry;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LogoutEnricher.BackChannelLogout;

/// <summary>
/// <c>POST /backchannel-logout[/{clientId}]</c>: receives the provider's logout token (BCL 1.0 §2.5), validates it,
/// and hands it to the <see cref="LogoutProcessor"/>. 200 on success, 400 with an OAuth error body otherwise.
/// </summary>
internal sealed partial class BackChannelLogoutEndpoint(
    LogoutTokenValidator validator,
    LogoutProcessor processor,
    IOptions<LogoutEnricherOptions> options,
    TimeProvider timeProvider,
    LogoutEnricherMetrics metrics,
    AuditLog audit,
    ILogger<BackChannelLogoutEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context, string? clientId)
    {
        var started = timeProvider.GetTimestamp();
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
            var validation = await validator.ValidateAsync(token, clientId, cancellationToken);
            if (validation.Token is not { } validated)
            {
                await RejectAsync(context, validation.Reason, validation.Description!);
                return;
            }

            var outcome = await processor.ProcessAsync(validated, cancellationToken);
            var outcomeName = outcome.Queued ? "queued" : outcome.Delivered ? "delivered" : "delivery_failed";
            metrics.LogoutCompleted(outcomeName);
            activity?.SetTag("logoutenricher.client", validated.Client.ClientId).SetTag("logoutenricher.outcome", outcomeName);
            audit.LogoutProcessed(validated.Issuer, validated.Client.ClientId, SidHash.Of(validated.Sid), validated.Subject, outcome.AppSessionCount,
                outcomeName, timeProvider.GetElapsedTime(started), "provider");

            if (outcome.Delivered)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                return;
            }

            var failed = outcome.Deliveries.First(d => !d.Succeeded);
            await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status400BadRequest, OAuthErrors.DeliveryFailed,
                $"the application did not accept the logout ({failed.Describe()})");
        }
        catch (Exception exception) when (exception is StorageUnavailableException or ProviderUnavailableException)
        {
            LogLogoutUnavailable(logger, exception.GetType().Name, exception.Message);
            metrics.LogoutCompleted("unavailable");
            if (exception is StorageUnavailableException)
            {
                metrics.StoreFailed("logout");
            }

            await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status400BadRequest, OAuthErrors.TemporarilyUnavailable,
                "the logout cannot be processed right now; send it again later");
        }
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

        var limit = options.Value.Logout.MaxRequestBodyBytes;
        var tooLarge = LogoutTokenValidationResult.Reject(RejectionReason.BodyTooLarge, $"the body exceeds {limit} bytes");
        if (request.ContentLength > limit)
        {
            return (null, tooLarge);
        }

        byte[]? body;
        try
        {
            body = await BodyReader.ReadAsync(request.Body, limit, cancellationToken);
        }
        catch (BadHttpRequestException)
        {
            // Kestrel refused the body itself (larger than the server's limit, or broken chunked framing).
            body = null;
        }

        if (body is null)
        {
            return (null, tooLarge);
        }

        Dictionary<string, Microsoft.Extensions.Primitives.StringValues> form;
        try
        {
            using var reader = new FormReader(Encoding.UTF8.GetString(body)) { ValueCountLimit = 16 };
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
        if (reason == RejectionReason.BodyTooLarge)
        {
            // The rest of the body stays unread; the client must not send its next request on this connection.
            context.Response.Headers.Connection = "close";
        }

        metrics.LogoutRejected(reason);
        Activity.Current?.SetTag("logoutenricher.rejection", reason.ToString());
        await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status400BadRequest, OAuthErrors.InvalidRequest, $"{reason}: {description}");
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Logout token rejected: {Reason}")]
    private static partial void LogLogoutRejected(ILogger logger, RejectionReason reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Logout could not be processed: {ErrorType}: {ErrorMessage}")]
    private static partial void LogLogoutUnavailable(ILogger logger, string errorType, string errorMessage);
}
