using System.Text.Json;
using LogoutEnricher.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogoutEnricher.Operations.Health;

/// <summary>
/// <c>/health/ready</c> as JSON: the overall status and, per check, its status, reason and details (which issuer's
/// keys, which store). Load balancers read the status code (200 or 503); people and scripts read the reasons.
/// </summary>
internal static class ReadinessReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.RequestServices.GetRequiredService<ReadinessTransitions>().Observe(report);
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(JsonSerializer.Serialize(ToJson(report), Json));
    }

    public static object ToJson(HealthReport report) => new
    {
        status = report.Status.ToString(),
        checks = report.Entries.ToDictionary(e => e.Key, e => new
        {
            status = e.Value.Status.ToString(),
            reason = e.Value.Description ?? e.Value.Exception?.Message,
            details = e.Value.Data.Count == 0 ? null : e.Value.Data,
        }),
    };
}
