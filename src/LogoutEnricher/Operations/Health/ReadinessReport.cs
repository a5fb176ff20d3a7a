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
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    /// <summary>
    /// Note: written field by field, not through the reflection serializer: the first readiness probe after a start
    /// would otherwise build the serializer's converters and accessors for these types, about a tenth of the time to
    /// ready. Same document as <see cref="ToJson"/> serialized.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.RequestServices.GetRequiredService<ReadinessTransitions>().Observe(report);
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter, Indented))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status.ToString());
                json.WriteString("reason", entry.Description ?? entry.Exception?.Message);
                json.WritePropertyName("details");
                if (entry.Data.Count == 0)
                {
                    json.WriteNullValue();
                }
                else
                {
                    json.WriteStartObject();
                    foreach (var (key, value) in entry.Data)
                    {
                        json.WritePropertyName(key);
                        if (value is string text)
                        {
                            json.WriteStringValue(text);
                        }
                        else
                        {
                            JsonSerializer.Serialize(json, value, JsonSerializerOptions.Web);
                        }
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
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
