using LogoutEnricher.Hosting;
using LogoutEnricher.Operations.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace LogoutEnricher.Operations.Health;

internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static void MapHealth(this IEndpointRouteBuilder endpoints)
    {
        // Liveness: the process answers. Readiness: the store answers and every issuer's keys are loaded; its JSON
        // body says which check fails and why.
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = ReadinessReport.WriteAsync,
        });
    }
}
