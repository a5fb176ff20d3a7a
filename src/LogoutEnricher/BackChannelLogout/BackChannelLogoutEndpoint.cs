using System.Text;
using LogoutEnricher.Hosting;
using LogoutEnricher.Providers;
using LogoutEnricher.Security;
using LogoutEnricher.Storage;
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
    ILogger<BackChannelLogoutEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context, string? clientId)
    {
        var started = timeProvider.GetTimestamp();
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
            if (logger.IsEnabled(LogLevel.Information))
            {
                LogLogoutProcessed(logger, validated.Issuer, validated.Client.ClientId, SidHash.Of(validated.Sid), outcome.AppSessionCount,
                    outcome.Queued ? "queued" : outcome.Delivered ? "delivered" : "delivery_failed", timeProvider.GetElapsedTime(started).TotalMilliseconds);
            }

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
            await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status400BadRequest, OAuthErrors.TemporarilyUnavailable,
                "the logout cannot be processed right now; send it again later");
        }
    }

    private async Task<(string? Token, LogoutTokenValidationResult Rejection)> ReadLogoutTokenAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (null, LogoutTokenValidationResult.Reject(RejectionReason.UnsupportedContentType, "the body must be application/x-www-form-urlencoded"));
        }

        var limit = options.Value.Logout.MaxRequestBodyBytes;
        var tooLarge = LogoutTokenValidationResult.Reject(RejectionReason.BodyTooLarge, $"the body exceeds {limit} bytes");
        if (request.ContentLength > limit)
        {
            return (null, tooLarge);
        }

        var body = await BodyReader.ReadAsync(request.Body, limit, cancellationToken);
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
        await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status400BadRequest, OAuthErrors.InvalidRequest, $"{reason}: {description}");
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Logout token rejected: {Reason}")]
    private static partial void LogLogoutRejected(ILogger logger, RejectionReason reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "Logout {Outcome} for client {ClientId} of {Issuer}: sid hash {SidHash}, {AppSessionCount} app sessions, {ElapsedMs:0.0} ms")]
    private static partial void LogLogoutProcessed(ILogger logger, string issuer, string clientId, string sidHash, int appSessionCount, string outcome, double elapsedMs);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Logout could not be processed: {ErrorType}: {ErrorMessage}")]
    private static partial void LogLogoutUnavailable(ILogger logger, string errorType, string errorMessage);
}
