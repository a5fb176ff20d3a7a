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
    private static readonly JsonSerializerOptions IndentedWeb = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    [Fact]
    public async Task WriteAsync_EveryKindOfEntry_WritesTheSameDocumentAsTheSerializedReportObject()
    {
        var report = new HealthReport(
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

        var expected = JsonSerializer.Serialize(ReadinessReport.ToJson(report), IndentedWeb);
        Assert.Equal(expected, Encoding.UTF8.GetString(body.ToArray()));
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
    }
}
