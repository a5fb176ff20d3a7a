using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace DemoApp;

/// <summary>Builds the demo application: cookie sessions, OIDC login through LogoutEnricher, back-channel logout.</summary>
public static class DemoApplication
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var settings = builder.Configuration.GetSection(DemoAppOptions.SectionName);
        builder.Services.AddOptions<DemoAppOptions>().Bind(settings).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DemoAppOptions>, DemoAppOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LocalSessionRegistry>();
        builder.Services.AddSingleton<LogoutTokenVerifier>();
        builder.Services.AddHttpClient();

        var options = settings.Get<DemoAppOptions>() ?? new DemoAppOptions();
        builder.Services.AddAuthentication(auth =>
            {
                auth.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                auth.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(cookie => ConfigureCookie(cookie, options))
            .AddOpenIdConnect(oidc => OidcLogin.Configure(oidc, options));

        var app = builder.Build();
        app.Use(ErrorPages.CatchAsync);
        app.UseAuthentication();

        app.MapGet("/", HomePage.Render);
        app.MapGet("/login", () => Results.Challenge(new AuthenticationProperties { RedirectUri = "/" }));
        app.MapPost("/logout", (HttpContext context, LocalSessionRegistry sessions) =>
        {
            // This application's own session ends now; the provider's back-channel logout ends the others (and finds
            // this one gone).
            if (context.User.FindFirst(OidcLogin.LocalSessionClaim)?.Value is { } sessionId)
            {
                sessions.Remove(sessionId);
            }

            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" },
                [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
        });
        app.MapPost("/backchannel-logout", BackChannelLogoutEndpoint.HandleAsync);
        return app;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions cookie, DemoAppOptions options)
    {
        // Two demo applications on one host (ports do not separate cookies) must not share a cookie name.
        cookie.Cookie.Name = ".DemoApp." + options.ClientId;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.Events.OnValidatePrincipal = async context =>
        {
            // The cookie only names the local session; once a back-channel logout removed it, the cookie is worthless.
            var sessionId = context.Principal?.FindFirst(OidcLogin.LocalSessionClaim)?.Value;
            var sessions = context.HttpContext.RequestServices.GetRequiredService<LocalSessionRegistry>();
            if (sessionId is null || !sessions.Contains(sessionId))
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            }
        };
    }
}
