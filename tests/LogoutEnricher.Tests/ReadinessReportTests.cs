using System.Text;
using System.Text.Json;
using LogoutEnricher.Operations.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogoutEnricher.Tests;

public sealed class ReadinessReportTests
{
    private const string Expected = """
        {
          "status": "Unhealthy",
          "checks": {
            "storage": {
              "status": "Healthy",
              "reason": "the store answers: sqlite /data/\u003Cdb\u003E \u0026 \u0027more\u0027",
              "details": {
                "store": "sqlite /data/logoutenricher.db"
              }
            },
            "provider-keys": {
              "status": "Unhealthy",
              "reason": "connection refused (Schl\u00FCssel)",
              "details": {
                "https://kc/realms/demo": "not loaded: refused",
                "retries": 3
              }
            },
            "storage-durability": {
              "status": "Degraded",
              "reason": "durability unknown: locked",
              "details": null
            },
            "no-reason": {
              "status": "Healthy",
              "reason": null,
              "details": null
            }
          }
        }
        """;

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task WriteAsync_EveryKindOfEntry_WritesTheDocumentTheReflectionSerializerWrote()
    {
        var report = Report();
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection()
                .AddSingleton<ILogger<ReadinessTransitions>>(NullLogger<ReadinessTransitions>.Instance)
                .AddSingleton<ReadinessTransitions>()
                .BuildServiceProvider(),
        };
        var body = new MemoryStream();
        context.Response.Body = body;

        await ReadinessReport.WriteAsync(context, report);

        Assert.Equal(Expected.ReplaceLineEndings("\n"), Encoding.UTF8.GetString(body.ToArray()).ReplaceLineEndings("\n"));
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
    }

    [Fact]
    public void ToJson_EveryKindOfEntry_IsTheSameDocumentForTheHomePage()
    {
        var embedded = JsonSerializer.Serialize(new { readiness = ReadinessReport.ToJson(Report()) }, Web);

        using var expected = JsonDocument.Parse(Expected);
        Assert.Equal(JsonSerializer.Serialize(new { readiness = expected.RootElement }, Web), embedded);
        Assert.Contains("\"reason\":null,\"details\":null", embedded, StringComparison.Ordinal);
    }

    private static HealthReport Report() =>
        new(
            new Dictionary<string, HealthReportEntry>
            {
                ["storage"] = new(HealthStatus.Healthy, "the store answers: sqlite /data/<db> & 'more'", TimeSpan.Zero, null,
                    new Dictionary<string, object> { ["store"] = "sqlite /data/logoutenricher.db" }),
                ["provider-keys"] = new(HealthStatus.Unhealthy, null, TimeSpan.Zero, new HttpRequestException("connection refused (Schlüssel)"),
                    new Dictionary<string, object> { ["https://kc/realms/demo"] = "not loaded: refused", ["retries"] = 3 }),
                ["storage-durability"] = new(HealthStatus.Degraded, "durability unknown: locked", TimeSpan.Zero, null, null),
                ["no-reason"] = new(HealthStatus.Healthy, null, TimeSpan.Zero, null, null),
            },
            TimeSpan.Zero);
}
