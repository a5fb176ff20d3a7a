using System.Reflection;
using LogoutEnricher.Hosting;
using LogoutEnricher.Operations.AdminApi;
using LogoutEnricher.Operations.Health;
using LogoutEnricher.Operations.OperatorConsole;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Protocol.Capture;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LogoutEnricher.Operations.Home;

/// <summary>
/// <c>GET /</c>: what this is, its version, whether it is ready and why not, and where to go next (JWKS, metrics,
/// console, the documentation; how to turn the admin API and console on while they are off). HTML for a browser, JSON for <c>Accept: application/json</c>. Not mapped in front-door mode,
/// where <c>/</c> belongs to the provider behind.
/// </summary>
internal static class HomePage
{
    public static readonly string Version =
        typeof(HomePage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    public static IEndpointRouteBuilder MapHomePage(this IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<UpstreamOptions>>().Value.FrontDoor)
        {
            endpoints.MapGet("/", RenderAsync).ExcludeFromDescription();
        }

        return endpoints;
    }

    private static async Task<IResult> RenderAsync(
        HttpContext context, HealthCheckService health, ReadinessTransitions transitions,
        IOptions<AdminOptions> admin, IOptions<OperatorConsoleOptions> console, IOptions<TelemetryOptions> telemetry,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(HealthEndpoints.ReadyTag), cancellationToken);
        transitions.Observe(report);
        var links = Links(admin.Value, console.Value, telemetry.Value);
        var turnOnAdmin = HomeGuide.TurnOnAdmin(admin.Value, console.Value);
        if (WantsJson(context.Request))
        {
            return Results.Json(new
            {
                name = "LogoutEnricher",
                description = Description,
                version = Version,
                readiness = ReadinessReport.ToJson(report),
                links = links.ToDictionary(l => l.Key, l => l.Href),
                admin = new { apiEnabled = admin.Value.Enabled, consoleEnabled = HomeGuide.ConsoleOn(admin.Value, console.Value), turnOn = turnOnAdmin },
                documentation = HomeGuide.Documentation.Select(d => d.Page),
            });
        }

        return HtmlPage.Result(HomePageHtml.Render(report, links, turnOnAdmin));
    }

    internal const string Description =
        "A sidecar for Keycloak and other OpenID providers: it records which application sessions belong to each SSO " +
        "session and turns each OIDC back-channel logout into one that names them (adapterSessionIds).";

    private static List<HomeLink> Links(AdminOptions admin, OperatorConsoleOptions console, TelemetryOptions telemetry)
    {
        var links = new List<HomeLink>
        {
            new("jwks", "/.well-known/jwks.json", "Public keys that verify enriched logout tokens"),
            new("readiness", "/health/ready", "Readiness, with each check's reason (JSON)"),
        };
        if (telemetry.PrometheusEnabled)
        {
            links.Add(new("metrics", telemetry.PrometheusPath, "Prometheus metrics"));
        }

        if (HomeGuide.ConsoleOn(admin, console))
        {
            links.Add(new("console", HomeGuide.ConsolePath(admin), "Operator console (sign-in required)"));
        }

        return links;
    }

    private static bool WantsJson(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }

        var json = accepted.Where(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        var html = accepted.Where(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        return json > 0 && json >= html;
    }
}

/// <summary>A link on the home page: a stable key (JSON), where, and what it is.</summary>
internal sealed record HomeLink(string Key, string Href, string Text);
