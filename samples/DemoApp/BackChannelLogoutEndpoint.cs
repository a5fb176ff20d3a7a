namespace DemoApp;

/// <summary>
/// <c>POST /backchannel-logout</c>: receives the enriched logout token from LogoutEnricher and ends exactly the local
/// sessions it names. Answers as OIDC Back-Channel Logout 1.0 §2.8 says: 200, or 400 with an error, never cached.
/// </summary>
public static partial class BackChannelLogoutEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, LogoutTokenVerifier verifier, LocalSessionRegistry sessions,
        TimeProvider timeProvider, ILogger<LogoutTokenVerifier> logger)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!context.Request.HasFormContentType)
        {
            return Refuse("expected a form with logout_token");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["logout_token"] is not [{ Length: > 0 } token])
        {
            return Refuse("expected exactly one logout_token");
        }

        LogoutTokenResult result;
        try
        {
            result = await verifier.VerifyAsync(token, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            // Not the token's fault: a 5xx lets LogoutEnricher retry the delivery later.
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        if (result.Error is not null)
        {
            LogRefused(logger, result.Error);
            return Refuse(result.Error);
        }

        var logout = sessions.End(result.AdapterSessionIds, result.Subject, timeProvider.GetUtcNow());
        LogEnded(logger, logout.Ended, result.AdapterSessionIds.Count);
        return Results.Ok();
    }

    private static IResult Refuse(string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = "invalid_request", ["error_description"] = description }, statusCode: StatusCodes.Status400BadRequest);

    [LoggerMessage(EventId = 1, EventName = "BackChannelLogoutHandled", Level = LogLevel.Information, Message = "Back-channel logout ended {Ended} of {Named} named local sessions")]
    private static partial void LogEnded(ILogger logger, int ended, int named);

    [LoggerMessage(EventId = 2, EventName = "BackChannelLogoutRefused", Level = LogLevel.Warning, Message = "Back-channel logout refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
