using System.Buffers;
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

    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.RequestServices.GetRequiredService<ReadinessTransitions>().Observe(report);
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter, Indented))
        {
            Write(json, report);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>The same document as a JSON value, for the home page, which shows it inside its own.</summary>
    public static JsonElement ToJson(HealthReport report)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, report);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Note: written field by field, not through the reflection serializer: the first readiness probe after a start
    /// would otherwise build the serializer's converters and accessors for these types. A detail that is not a string
    /// (none of LogoutEnricher's checks has one) still goes through the serializer.
    /// </summary>
    private static void Write(Utf8JsonWriter json, HealthReport report)
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
}
