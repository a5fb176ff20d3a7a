using LogoutEnricher.Operations.AdminApi;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Protocol.Providers;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.OperatorConsole;

public static class OperatorConsoleExtensions
{
    /// <summary>
    /// The console's options, trail, cookie authentication (and OIDC sign-in when <c>Console:Oidc:ClientId</c> is set)
    /// and antiforgery; only when the admin API is enabled (the
    /// console admits the same credentials) and <c>LogoutEnricher:Console:Enabled</c> is not false.
    /// </summary>
    public static IServiceCollection AddOperatorConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OperatorConsoleOptions>().BindConfiguration(OperatorConsoleOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OperatorConsoleOptions>, OperatorConsoleOptionsValidator>();
        if (!IsActive(configuration))
        {
            return services;
        }

        services.AddSingleton<ConsoleModelReader>();
        services.AddAuthentication().AddCookie(ConsoleAuthentication.Scheme);
        services.AddOptions<CookieAuthenticationOptions>(ConsoleAuthentication.Scheme)
            .Configure<IOptions<AdminOptions>, IOptions<OperatorConsoleOptions>>((cookie, admin, console) =>
                ConsoleAuthentication.ConfigureCookie(cookie, ConsolePath(admin.Value), console.Value.SessionLifetime));
        if (ConsoleOidc.IsConfigured(configuration))
        {
            services.AddAuthentication().AddOpenIdConnect(ConsoleOidc.Scheme, _ => { });
            services.AddOptions<OpenIdConnectOptions>(ConsoleOidc.Scheme)
                .Configure<IOptions<AdminOptions>, IOptions<OperatorConsoleOptions>, IssuerRegistry>((oidc, admin, console, registry) =>
                    ConsoleOidc.Configure(oidc, admin.Value, console.Value, registry));
        }

        services.AddAntiforgery();
        services.AddOptions<AntiforgeryOptions>().Configure<IOptions<AdminOptions>>((antiforgery, admin) =>
        {
            antiforgery.Cookie.Name = ".LogoutEnricher.Antiforgery";
            antiforgery.Cookie.Path = ConsolePath(admin.Value);
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.FormFieldName = "__csrf";
        });
        return services;
    }

    /// <summary>The console under <c>{Admin:PathPrefix}/console</c>.</summary>
    public static IEndpointRouteBuilder MapOperatorConsole(this IEndpointRouteBuilder endpoints)
    {
        var configuration = endpoints.ServiceProvider.GetRequiredService<IConfiguration>();
        if (!IsActive(configuration))
        {
            return endpoints;
        }

        var path = ConsolePath(endpoints.ServiceProvider.GetRequiredService<IOptions<AdminOptions>>().Value);
        var console = endpoints.MapGroup(path).ExcludeFromDescription().AddEndpointFilter(new ConsoleStoreUnavailable());
        ConsoleAuthentication.MapSignIn(console, path);
        if (ConsoleOidc.IsConfigured(configuration))
        {
            ConsoleOidc.MapSignIn(console, path);
        }

        var signedIn = console.MapGroup("").AddEndpointFilter(new ConsoleSignedIn(path));
        signedIn.MapGet("", ConsoleEndpoints.PageAsync);
        signedIn.MapGet("/logouts/{id}", ConsoleEndpoints.LogoutAsync);
        foreach (var slot in endpoints.ServiceProvider.GetServices<IConsoleSection>().Select(s => s.Slot).Concat(ConsoleSlots.Placeholders.Select(p => p.Slot)).Distinct())
        {
            signedIn.MapGet("/" + slot, (HttpContext context, IAntiforgery antiforgery, IOptions<AdminOptions> admin, IEnumerable<IConsoleSection> sections, TimeProvider time,
                CancellationToken cancellationToken) => ConsoleEndpoints.SectionAsync(context, slot, antiforgery, admin, sections, time, cancellationToken));
        }

        signedIn.MapPost("/dead-letters/{id}/retry", ConsoleEndpoints.RetryAsync);
        signedIn.MapPost("/dead-letters/retry-all", ConsoleEndpoints.RetryAllAsync);
        return endpoints;
    }

    internal static string ConsolePath(AdminOptions admin) => admin.PathPrefix.TrimEnd('/') + "/console";

    private static bool IsActive(IConfiguration configuration) =>
        configuration.GetValue<bool>("LogoutEnricher:Admin:Enabled") && configuration.GetValue("LogoutEnricher:Console:Enabled", true);
}
