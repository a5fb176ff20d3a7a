using System.Security.Claims;
using System.Security.Cryptography;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.AdminApi;
using LogoutEnricher.Operations.Home;
using LogoutEnricher.Protocol.Providers;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>
/// Console sign-in by OIDC login: authorization code flow with PKCE against the admin API's bearer issuer. The OpenID
/// Connect handler checks state, nonce and the ID token; then the access token it redeemed must pass the admin API's
/// own rule (<see cref="AdminAuthentication.AuthorizeBearerAsync"/>: issuer, audience, role in <c>realm_access</c> or
/// <c>resource_access</c>). Only then the console cookie is issued; an account without the role gets a 403 page.
/// </summary>
internal static partial class ConsoleOidc
{
    public const string Scheme = "LogoutEnricher.Console.Oidc";

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[OperatorConsoleOptions.SectionName + ":Oidc:ClientId"]);

    public static void Configure(OpenIdConnectOptions oidc, AdminOptions admin, OperatorConsoleOptions console, IssuerRegistry registry)
    {
        var consolePath = OperatorConsoleExtensions.ConsolePath(admin);
        var issuer = admin.Bearer.Issuer ?? "";
        var metadata = registry.FindIssuer(issuer)?.MetadataAddress ?? new Uri(issuer.TrimEnd('/') + "/.well-known/openid-configuration");
        oidc.SignInScheme = ConsoleAuthentication.Scheme;
        oidc.Authority = issuer;
        oidc.MetadataAddress = metadata.ToString();
        oidc.RequireHttpsMetadata = metadata.Scheme == Uri.UriSchemeHttps;
        oidc.ClientId = console.Oidc.ClientId;
        oidc.ClientSecret = string.IsNullOrEmpty(console.Oidc.ClientSecret) ? null : console.Oidc.ClientSecret;
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        oidc.UsePkce = true;
        oidc.CallbackPath = consolePath + "/signin-oidc";
        // Note: the handler also answers two sign-out paths, "/signout-oidc" and "/signout-callback-oidc" by default;
        // the root is Keycloak's public URL, so they live under the console like the callback.
        oidc.RemoteSignOutPath = consolePath + "/signout-oidc";
        oidc.SignedOutCallbackPath = consolePath + "/signout-callback-oidc";
        oidc.SaveTokens = false;
        oidc.MapInboundClaims = false;
        oidc.UseTokenLifetime = false;
        oidc.DisableTelemetry = true;
        oidc.BackchannelTimeout = TimeSpan.FromSeconds(10);
        oidc.TokenValidationParameters.NameClaimType = "preferred_username";
        // Note: with the answer in the query (a top-level GET), the state cookies can be SameSite=Lax and need no
        // Secure flag, so sign-in also works on a plain-http local setup; form_post would need SameSite=None; Secure.
        oidc.ResponseMode = OpenIdConnectResponseMode.Query;
        foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.HttpOnly = true;
        }

        // Note: the authorization request carries nothing secret, so it goes through the browser as every provider
        // accepts it; a realm whose discovery lists a PAR endpoint needs no extra client setting for the console.
        oidc.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Disable;
        // Note: the provider's answer (CallbackPath) is taken by the authentication middleware WebApplication adds,
        // before routing; no console endpoint sees it.
        oidc.Events.OnMessageReceived = RequireKeyRingAsync;
        oidc.Events.OnTokenValidated = AdmitAsync;
        oidc.Events.OnRemoteFailure = RefuseAsync;
    }

    public static void MapSignIn(RouteGroupBuilder console, string consolePath)
    {
        console.MapPost("/sign-in/oidc", async (HttpContext context, IAntiforgery antiforgery, ILoggerFactory loggers) =>
        {
            if (!await antiforgery.IsValidFormAsync(context))
            {
                return HtmlPage.Result(Message("Bad request", "The form expired.", consolePath), StatusCodes.Status400BadRequest);
            }

            try
            {
                await context.ChallengeAsync(Scheme, new AuthenticationProperties { RedirectUri = consolePath + "/signed-in" });
                return Results.Empty;
            }
            catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException && !context.Response.HasStarted)
            {
                // The provider's discovery document cannot be read (down, wrong URL): say so; the API key still works.
                LogOidcSignInFailed(loggers.CreateLogger(typeof(ConsoleOidc).FullName!), "the provider's configuration cannot be read: " + exception.GetType().Name);
                return HtmlPage.Result(Message("Provider unavailable", "The identity provider cannot be reached now; sign in with an API key or try again later.", consolePath),
                    StatusCodes.Status503ServiceUnavailable);
            }
        });

        // Note: the cookie is SameSite=Strict, and a browser does not send it on a navigation that a redirect from the
        // provider started; this page continues to the console as a navigation of LogoutEnricher's own.
        console.MapGet("/signed-in", () => HtmlPage.Result(HtmlPage.Render("LogoutEnricher console", "",
            "<section><meta http-equiv=\"refresh\" content=\"0;url=" + HtmlPage.Encode(consolePath) + "\"><p>Signed in. <a id=\"continue\" href=\""
            + HtmlPage.Encode(consolePath) + "\">Continue to the console</a>.</p></section>")));
    }

    /// <summary>
    /// The provider's answer arrived: the handler reads its state through Data Protection and takes any failure for a
    /// state that is not this browser's (a 400 "sign-in failed"). Using the key ring first turns a store that does not
    /// answer into the 503 it is, as on every other console route (<see cref="ConsoleStoreUnavailable"/>), so the
    /// operator tries again instead of being told the sign-in was not theirs. (Every answer to it is uncached: the
    /// cookie handler's sign-in sends no-store, and so does every page.)
    /// </summary>
    private static async Task RequireKeyRingAsync(MessageReceivedContext context)
    {
        try
        {
            context.HttpContext.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Scheme).Protect([]);
        }
        catch (CryptographicException exception) when (StoreFailures.Within(exception) is { } storeFailure)
        {
            context.HandleResponse();
            await ConsoleStoreUnavailable.Answer(context.HttpContext, storeFailure).ExecuteAsync(context.HttpContext);
        }
    }

    private static async Task AdmitAsync(TokenValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleOidc).FullName!);
        var user = context.Principal?.FindFirst("preferred_username")?.Value ?? context.Principal?.FindFirst("sub")?.Value ?? "-";
        var verdict = context.TokenEndpointResponse?.AccessToken is { Length: > 0 } accessToken
            ? await services.GetRequiredService<AdminAuthentication>().AuthorizeBearerAsync(accessToken, context.HttpContext.RequestAborted)
            : BearerVerdict.NotAuthenticated;
        if (verdict != BearerVerdict.Admitted)
        {
            LogSignInForbidden(logger, user, verdict);
            context.HandleResponse();
            var admin = services.GetRequiredService<IOptions<AdminOptions>>().Value;
            await HtmlPage.Result(Forbidden(admin, user), StatusCodes.Status403Forbidden).ExecuteAsync(context.HttpContext);
            return;
        }

        // The cookie holds who signed in and how; no token is kept (SaveTokens is off).
        context.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user), new Claim("method", "oidc")], ConsoleAuthentication.Scheme));
        ConsoleAuthentication.LogSignedIn(logger, "oidc", context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "-");
    }

    private static async Task RefuseAsync(RemoteFailureContext context)
    {
        var services = context.HttpContext.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleOidc).FullName!);
        var reason = Describe(context.Failure);
        LogOidcSignInFailed(logger, reason);
        context.HandleResponse();
        var consolePath = OperatorConsoleExtensions.ConsolePath(services.GetRequiredService<IOptions<AdminOptions>>().Value);
        await HtmlPage.Result(Message("Sign-in failed", $"The sign-in could not be completed: {reason}.", consolePath), StatusCodes.Status400BadRequest)
            .ExecuteAsync(context.HttpContext);
    }

    [LoggerMessage(EventId = EventIds.ConsoleSignInForbidden, EventName = nameof(EventIds.ConsoleSignInForbidden), Level = LogLevel.Warning,
        Message = "Operator console sign-in of {User} refused: the access token is {Verdict}, not admitted by LogoutEnricher:Admin:Bearer")]
    private static partial void LogSignInForbidden(ILogger logger, string user, BearerVerdict verdict);

    [LoggerMessage(EventId = EventIds.ConsoleOidcSignInFailed, EventName = nameof(EventIds.ConsoleOidcSignInFailed), Level = LogLevel.Warning,
        Message = "Operator console OIDC sign-in failed: {Reason}")]
    private static partial void LogOidcSignInFailed(ILogger logger, string reason);
}
