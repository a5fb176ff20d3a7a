using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests;

[Collection(nameof(RunsAlone))]
/// <summary>The scrape route as mapped: the gate in front of the exporter, both exposition formats, many scrapers.</summary>
public sealed class MetricsScrapeTests
{
    [Fact]
    public async Task Metrics_ManyConcurrentScrapesInBothFormats_EachAnsweredWithTheMetrics()
    {
        // Note: without the exporter's 300 ms response cache every scrape collects, so concurrent scrapes meet far more often.
        await using var env = await TestEnvironment.StartAsync(services: services => services.Configure<PrometheusAspNetCoreOptions>(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        // A collection that takes a while, as on a busy machine: scrapes overlap the collection and each other's reading.
        using var meter = env.Services.GetRequiredService<IMeterFactory>().Create(LogoutEnricherMetrics.MeterName);
        meter.CreateObservableGauge("logoutenricher.test.slow", () => { Thread.Sleep(5); return 1; });
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        // Scrapers in both exposition formats at once, while requests keep recording measurements.
        var failures = new ConcurrentBag<string>();
        await Parallel.ForAsync(0, 3_000, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, i % 3 == 0 ? "/health/live" : "/metrics");
            if (i % 2 == 0)
            {
                request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text; version=1.0.0");
            }

            using var response = await env.Client.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (request.RequestUri!.OriginalString == "/metrics" && (response.StatusCode != HttpStatusCode.OK || !body.Contains("logoutenricher_captures_total", StringComparison.Ordinal)))
            {
                failures.Add($"#{i}: {(int)response.StatusCode}, {body.Length} bytes");
            }
        });

        Assert.Empty(failures);
    }
}
