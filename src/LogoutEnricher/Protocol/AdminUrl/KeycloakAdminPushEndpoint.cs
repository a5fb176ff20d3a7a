using System.Security.Cryptography;
using System.Text;
using LogoutEnricher.Delivery;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Hardening;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Logout;
using LogoutEnricher.Protocol;
using LogoutEnricher.Protocol.AdminUrl;
using LogoutEnricher.Protocol.BackChannelLogout;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LogoutEnricher.Protocol.AdminUrl;

/// <summary>
/// <c>POST {prefix}/{clientId}/k_logout</c> and <c>.../k_push_not_before</c>: what Keycloak sends to a client's Admin
/// URL. A sign-out-all or push-revocation is answered as soon as its fan-out job is durably stored (Keycloak's admin
/// request waits for the answer); the fan-out itself runs in <see cref="FanOutWorker"/>.
/// </summary>
internal sealed partial class KeycloakAdminPushEndpoint(
    AdminActionVerifier verifier,
    IFanOutJobStore jobs,
    WakeSignal<FanOutWorker> signal,
    SessionActionHandler perSession,
    FanOutMetrics metrics,
    StoreFailures failures,
    IOptions<KeycloakAdminPushOptions> options,
    TimeProvider timeProvider,
    ILogger<KeycloakAdminPushEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context, string clientId, string expectedAction)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            await RejectAsync(context, expectedAction, AdminPushRejection.UnsupportedContentType, "the body must be text/plain");
            return;
        }

        ArraySegment<byte>? body;
        try
        {
            body = await BodyReader.ReadAsync(context.Request.Body, context.Request.ContentLength, options.Value.MaxRequestBodyBytes, context.RequestAborted);
        }
        catch (Exception exception) when (RequestBodyFailures.Classify(exception) is { } failure)
        {
            // Kestrel refused the body itself: larger than the server's limit, broken chunked framing, or too slow.
            await RejectAsync(context, expectedAction,
                failure == RequestBodyFailure.TooLarge ? AdminPushRejection.BodyTooLarge : AdminPushRejection.MalformedRequest, RequestBodyFailures.Describe(failure));
            return;
        }

        if (body is not { } bytes)
        {
            await RejectAsync(context, expectedAction, AdminPushRejection.BodyTooLarge, RequestBodyFailures.Describe(RequestBodyFailure.TooLarge));
            return;
        }

        AdminActionResult result;
        try
        {
            // Note: a JWS is ASCII; Latin-1 maps every byte to one char, so a stray byte fails the base64url check, not here.
            result = await verifier.VerifyAsync(clientId, expectedAction, Encoding.Latin1.GetString(bytes), context.RequestAborted);
        }
        catch (ProviderUnavailableException exception)
        {
            // The issuer's keys cannot be read: the action can be neither trusted nor refused. Answered like the
            // back-channel route answers it (400 temporarily_unavailable): Keycloak logs the failed push and the operator
            // can repeat it; a 5xx would blame LogoutEnricher for the provider.
            metrics.PushCompleted(expectedAction, "rejected", AdminPushRejection.ProviderUnavailable);
            LogPushRejected(logger, expectedAction, AdminPushRejection.ProviderUnavailable, exception.Message);
            await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status400BadRequest, OAuthErrors.TemporarilyUnavailable,
                $"{AdminPushRejection.ProviderUnavailable}: the keys of the client's issuer cannot be read now");
            return;
        }

        if (result.Action is not { } action)
        {
            await RejectAsync(context, expectedAction, result.Reason, result.Description!);
            return;
        }

        var accepted = await failures.TryAsync("admin_url_push",
            $"Keycloak's {action.Action} for client {action.Client.ClientId} (action {action.Id}) answered 503; Keycloak does not resend it, repeat it from the admin console",
            () => AcceptAsync(action, context.RequestAborted));
        if (!accepted.Succeeded)
        {
            metrics.PushCompleted(expectedAction, "rejected", AdminPushRejection.StoreUnavailable);
            context.Response.Headers.RetryAfter = "5";
            await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status503ServiceUnavailable, OAuthErrors.TemporarilyUnavailable,
                $"{AdminPushRejection.StoreUnavailable}: the store could not take the work");
            return;
        }

        metrics.PushCompleted(expectedAction, accepted.Value.Name(), null);
        LogPushAccepted(logger, action.Action, action.Client.ClientId, action.Id, accepted.Value.Name());
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <returns>
    /// <see cref="LogoutOutcome.Queued"/> (fan-out job stored, or per-session logouts queued), <see cref="LogoutOutcome.Replayed"/>
    /// or <see cref="LogoutOutcome.NothingToDo"/>.
    /// </returns>
    private async Task<LogoutOutcome> AcceptAsync(VerifiedAdminAction action, CancellationToken cancellationToken)
    {
        if (action.Action == KeycloakAdminAction.Logout && action.KeycloakSessionIds.Count > 0)
        {
            // Keycloak sends ids only to an Admin URL when the client has no back-channel URL: end those sessions.
            return await perSession.HandleAsync(action, cancellationToken);
        }

        if (action.Action == KeycloakAdminAction.Logout && action.NotBefore == 0)
        {
            return LogoutOutcome.NothingToDo;
        }

        var now = timeProvider.GetUtcNow();
        var job = new FanOutJob(
            JobId(action), action.Client.Issuer, action.Client.ClientId, action.Action, action.Id, action.NotBefore,
            CapturedBefore(action, now), now, FanOutJobState.Pending, null, 0, null, now);
        if (!await jobs.TryCreateAsync(job, cancellationToken))
        {
            return LogoutOutcome.Replayed;
        }

        signal.Notify();
        return LogoutOutcome.Queued;
    }

    /// <summary>
    /// Keycloak refuses tokens issued before <c>notBefore</c> (whole seconds). For a sign-out-all it sets notBefore
    /// and then removes every session, so the whole second of notBefore counts; a push-revocation keeps Keycloak's
    /// own rule. Never later than now: a session captured after the push arrived is a new one.
    /// </summary>
    internal static DateTimeOffset CapturedBefore(VerifiedAdminAction action, DateTimeOffset now)
    {
        var seconds = Math.Clamp(action.NotBefore + (action.Action == KeycloakAdminAction.Logout ? 1 : 0), 0, 253402300799);
        var cutoff = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return cutoff < now ? cutoff : now;
    }

    /// <summary>One job per (issuer, client, action, id): a replayed action finds its job and changes nothing.</summary>
    internal static string JobId(VerifiedAdminAction action) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{action.Client.Issuer}\n{action.Client.ClientId}\n{action.Action}\n{action.Id}")))[..32];

    private async Task RejectAsync(HttpContext context, string action, AdminPushRejection reason, string description)
    {
        metrics.PushCompleted(action, "rejected", reason);
        LogPushRejected(logger, action, reason, description);
        var status = reason is AdminPushRejection.UnknownKey or AdminPushRejection.InvalidSignature or AdminPushRejection.AlgorithmNotAllowed
            ? StatusCodes.Status401Unauthorized
            : StatusCodes.Status400BadRequest;
        await OAuthErrors.WriteAsync(context.Response, status, OAuthErrors.InvalidRequest, $"{reason}: {description}");
    }

    [LoggerMessage(EventId = EventIds.AdminPushAccepted, EventName = nameof(EventIds.AdminPushAccepted), Level = LogLevel.Information,
        Message = "Keycloak {Action} for client {ClientId} accepted (action {ActionId}): {Outcome}")]
    private static partial void LogPushAccepted(ILogger logger, string action, string clientId, string actionId, string outcome);

    [LoggerMessage(EventId = EventIds.AdminPushRejected, EventName = nameof(EventIds.AdminPushRejected), Level = LogLevel.Warning,
        Message = "Keycloak Admin URL push {Action} rejected: {Reason} ({Description})")]
    private static partial void LogPushRejected(ILogger logger, string action, AdminPushRejection reason, string description);

}
