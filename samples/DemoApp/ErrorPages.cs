using System.Net.Sockets;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;

namespace DemoApp;

/// <summary>
/// What a person sees when a login cannot complete: which party could not be reached or what it answered, and a way
/// back. Never a stack trace: the exception goes to the log.
/// </summary>
public static partial class ErrorPages
{
    /// <summary>Catches what escapes a request (e.g. the provider's discovery document cannot be read at login).</summary>
    public static async Task CatchAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<DemoAppOptions>>().Value;
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ErrorPages));
            var unreachable = IsUnreachable(exception);
            Log(logger, context.Request.Path, exception, unreachable);
            var result = unreachable
                ? Render("The OpenID provider could not be reached",
                    $"Logging in needs the provider at <code>{HtmlEncoder.Default.Encode(options.MetadataAddress ?? options.Authority)}</code>, and it did not answer. Is it running?",
                    StatusCodes.Status503ServiceUnavailable)
                : Render("Something went wrong", "The request could not be completed; the application's log says why.", StatusCodes.Status500InternalServerError);
            context.Response.Clear();
            await result.ExecuteAsync(context);
        }
    }

    /// <summary>A login that came back failed: e.g. LogoutEnricher's token endpoint was unreachable, or consent was refused.</summary>
    public static Task OnRemoteFailureAsync(RemoteFailureContext context, DemoAppOptions options)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ErrorPages));
        var unreachable = context.Failure is { } failure && IsUnreachable(failure);
        Log(logger, context.Request.Path, context.Failure, unreachable);
        context.HandleResponse();
        var result = unreachable
            ? Render("LogoutEnricher could not be reached",
                $"The login code is redeemed at LogoutEnricher's token endpoint <code>{HtmlEncoder.Default.Encode(options.TokenEndpoint)}</code>, and it did not answer. Is LogoutEnricher running?",
                StatusCodes.Status503ServiceUnavailable)
            : Render("The login did not complete",
                $"The provider or LogoutEnricher refused it: {HtmlEncoder.Default.Encode(context.Failure?.Message ?? "no reason given")}",
                StatusCodes.Status502BadGateway);
        return result.ExecuteAsync(context.HttpContext);
    }

    private static IResult Render(string title, string explanation, int statusCode) =>
        PageLayout.Html(title, $"<section class=\"problem\"><h1 id=\"problem\">{HtmlEncoder.Default.Encode(title)}</h1><p>{explanation}</p>"
            + "<p><a class=\"button\" href=\"/\">Back to the application</a></p></section>", statusCode);

    private static bool IsUnreachable(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or SocketException or TimeoutException or TaskCanceledException)
            {
                return true;
            }
        }

        return false;
    }

    // Note: an unreachable party is an operational state, not a bug: one line naming the cause, no stack trace.
    private static void Log(ILogger logger, string path, Exception? exception, bool unreachable)
    {
        if (unreachable)
        {
            var cause = exception;
            while (cause?.InnerException is not null)
            {
                cause = cause.InnerException;
            }

            LogUnreachable(logger, path, cause?.Message ?? "no answer");
        }
        else
        {
            LogFailed(logger, path, exception);
        }
    }

    [LoggerMessage(EventId = 3, EventName = "RequestFailed", Level = LogLevel.Error, Message = "Request to {Path} failed")]
    private static partial void LogFailed(ILogger logger, string path, Exception? exception);

    [LoggerMessage(EventId = 4, EventName = "PartyUnreachable", Level = LogLevel.Warning, Message = "Request to {Path} failed: a party it needs did not answer ({Cause})")]
    private static partial void LogUnreachable(ILogger logger, string path, string cause);
}
