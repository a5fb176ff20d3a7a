using System.Security.Claims;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Operations.AdminApi;
using LogoutEnricher.Operations.Home;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>
/// Sign-in to the console: once with an admin API key (or by OIDC login, see <see cref="ConsoleOidc"/>), then an ASP.NET Core authentication cookie (HTTP-only,
/// SameSite=Strict, short absolute lifetime, scoped to the admin path). Every form carries an antiforgery token.
/// </summary>
internal static partial class ConsoleAuthentication
{
    public const string Scheme = "LogoutEnricher.Console";

    public static void ConfigureCookie(CookieAuthenticationOptions cookie, string consolePath, TimeSpan lifetime)
    {
        cookie.Cookie.Name = ".LogoutEnricher.Console";
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Strict;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.Cookie.Path = consolePath;
        cookie.ExpireTimeSpan = lifetime;
        cookie.SlidingExpiration = false;
        cookie.LoginPath = consolePath + "/sign-in";
    }

    public static void MapSignIn(RouteGroupBuilder console, string consolePath)
    {
        console.MapGet("/sign-in", (HttpContext context, IAntiforgery antiforgery, IOptions<OperatorConsoleOptions> options, IOptions<AdminOptions> admin, string? failed) =>
        {
            var field = Field(context, antiforgery);
            if (string.IsNullOrWhiteSpace(options.Value.Oidc.ClientId))
            {
                return HtmlPage.Result(SignInPage(field, consolePath, failed is not null, ""));
            }

            var issuer = admin.Value.Bearer.Issuer ?? "";
            return HtmlPage.Result(SignInPage(field, consolePath, failed is not null, ConsoleOidc.SignInForm(field, consolePath, issuer)),
                contentSecurityPolicy: ConsoleOidc.SignInPagePolicy(issuer));
        });

        console.MapPost("/sign-in", async (HttpContext context, IAntiforgery antiforgery, AdminAuthentication admin, CredentialFailureLimiter limiter, ILoggerFactory loggers) =>
        {
            if (!limiter.TryAdmit(context, out var retryAfter))
            {
                context.Response.Headers.RetryAfter = CredentialFailureLimiter.RetryAfterSeconds(retryAfter);
                return HtmlPage.Result(HtmlPage.Render("Too many attempts", "", "<section><p id=\"sign-in-throttled\">Too many wrong API keys were sent from this address. "
                    + "No key is checked from it until the time in Retry-After has passed; then <a href=\"" + HtmlPage.Encode(consolePath + "/sign-in") + "\">sign in again</a>.</p></section>"),
                    StatusCodes.Status429TooManyRequests);
            }

            if (!await antiforgery.IsValidFormAsync(context))
            {
                return HtmlPage.Result(HtmlPage.Render("Bad request", "", "<section><p>The form expired; <a href=\"" + HtmlPage.Encode(consolePath + "/sign-in") + "\">sign in again</a>.</p></section>"), StatusCodes.Status400BadRequest);
            }

            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var logger = loggers.CreateLogger(typeof(ConsoleAuthentication).FullName!);
            if (form["apiKey"] is not [{ Length: > 0 } key] || !admin.IsApiKey(key))
            {
                limiter.RecordFailure(context, "console sign-in");
                return Results.Redirect(consolePath + "/sign-in?failed=1");
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api key"), new Claim("method", "api-key")], Scheme);
            await context.SignInAsync(Scheme, new ClaimsPrincipal(identity));
            LogSignedIn(logger, "api-key", context.Connection.RemoteIpAddress?.ToString() ?? "-");
            return Results.Redirect(consolePath);
        });

        console.MapPost("/sign-out", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (await antiforgery.IsValidFormAsync(context))
            {
                await context.SignOutAsync(Scheme);
            }

            return Results.Redirect(consolePath + "/sign-in");
        });
    }

    /// <summary>The hidden antiforgery field every console form carries.</summary>
    public static string Field(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{HtmlPage.Encode(tokens.FormFieldName)}\" value=\"{HtmlPage.Encode(tokens.RequestToken)}\">";
    }

    private static string SignInPage(string antiforgeryField, string consolePath, bool failed, string oidcForm) => HtmlPage.Render("LogoutEnricher console", "",
        "<section style=\"max-width:30rem\"><h2>Sign in</h2>"
        + (failed ? "<p class=\"bad\" id=\"sign-in-failed\">That API key is not accepted.</p>" : "")
        + (oidcForm.Length == 0 ? "" : oidcForm + "<p class=\"muted\">or with an admin API key:</p>")
        + "<form method=\"post\" action=\"" + HtmlPage.Encode(consolePath + "/sign-in") + "\">" + antiforgeryField
        + "<p><label>Admin API key<br><input type=\"password\" name=\"apiKey\" id=\"apiKey\" autocomplete=\"off\" size=\"40\" autofocus></label></p>"
        + "<p><button class=\"primary\" type=\"submit\" id=\"sign-in\">Sign in</button></p></form>"
        + "<p class=\"muted\">The key is one whose SHA-256 is configured in <code>LogoutEnricher:Admin:ApiKeyHashes</code>.</p></section>");

    [LoggerMessage(EventId = EventIds.ConsoleSignedIn, EventName = nameof(EventIds.ConsoleSignedIn), Level = LogLevel.Information, Message = "Operator console sign-in ({Method}) from {RemoteAddress}")]
    internal static partial void LogSignedIn(ILogger logger, string method, string remoteAddress);
}
