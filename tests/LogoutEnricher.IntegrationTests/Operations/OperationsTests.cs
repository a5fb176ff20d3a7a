using System.Diagnostics.Metrics;
using System.Net;
using System.Text.RegularExpressions;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Http;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests;

/// <summary>Meters are process-wide: this collection runs alone, so the scraped counters are this test's own.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

[Collection(nameof(RunsAlone))]
public sealed partial class OperationsTests
{
    [Fact]
    public async Task Metrics_AfterCaptureRejectedAndAcceptedLogout_ExposeCountersWithTheirLabels()
    {
        await using var env = await TestEnvironment.StartAsync();
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        await env.SendRejectedAcceptedAndReplayedAsync(env.Keycloak.LogoutToken().With(t => t.Claims["nonce"] = "n").Sign());

        var metrics = await env.Client.GetStringAsync("/metrics");

        Assert.Equal(1, Value(metrics, "logoutenricher_captures_total", ("client", The.ClientId), ("outcome", "captured")));
        Assert.Equal(1, Value(metrics, "logoutenricher_logout_tokens_total", ("outcome", "rejected"), ("reason", "NoncePresent")));
        Assert.Equal(1, Value(metrics, "logoutenricher_logout_tokens_total", ("outcome", "rejected"), ("reason", "Replayed")));
        Assert.Equal(1, Value(metrics, "logoutenricher_logout_tokens_total", ("outcome", "delivered"), ("reason", "none")));
        Assert.Equal(1, Value(metrics, "logoutenricher_replay_rejections_total"));
        Assert.Equal(1, Value(metrics, "logoutenricher_deliveries_total", ("client", The.ClientId), ("format", "BackChannel"), ("outcome", "delivered")));
        Assert.Equal(1, Value(metrics, "logoutenricher_delivery_duration_seconds_count", ("client", The.ClientId), ("format", "BackChannel"), ("outcome", "delivered")));
        Assert.Equal(0, Value(metrics, "logoutenricher_outbox_pending"));
        Assert.Equal(0, Value(metrics, "logoutenricher_outbox_dead_letters"));
        Assert.True(Value(metrics, "logoutenricher_jwks_refreshes_total", ("issuer", env.Keycloak.Issuer), ("outcome", "success")) >= 1);
    }

    [Fact]
    public async Task OutboxGauges_ObservedWhileTheHostStarts_NoStoreFailureAndCountsOnceStarted()
    {
        // An exporter may collect while the host is still creating its schema; that is no store failure to report.
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name.StartsWith("logoutenricher.outbox.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.Start();
        using var stop = new CancellationTokenSource();
        var observing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                listener.RecordObservableInstruments();
                await Task.Yield();
            }
        });

        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await stop.CancelAsync();
        await observing;
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        env.App.StatusCode = StatusCodes.Status503ServiceUnavailable;
        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        // Note: the gauges reread the store when their counts are older than 5 s.
        var pending = 0d;
        for (var deadline = DateTime.UtcNow.AddSeconds(15); pending != 1 && DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            pending = Value(await env.Client.GetStringAsync("/metrics"), "logoutenricher_outbox_pending");
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, pending);
        Assert.DoesNotContain(env.Logs.Events, e => e.Level >= LogEventLevel.Error);
    }

    [Fact]
    public async Task Audit_CaptureAndLogout_OneEventEachInTheAuditCategoryWithHashedSidAndOutcome()
    {
        await using var env = await TestEnvironment.StartAsync();
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        using (var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign()))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var audit = env.Logs.Events
            .Where(e => e.Properties.TryGetValue("SourceContext", out var source) && source.ToString() == "\"LogoutEnricher.Audit\"").ToArray();
        Assert.True(audit.Length == 3, "audit events: " + string.Join(" | ", audit.Select(e => e.RenderMessage())));
        var capture = Assert.Single(audit, e => e.EventIdOf() == 9001);
        var logout = Assert.Single(audit, e => e.EventIdOf() == 9002);
        var sidHash = Hosting.Security.SidHash.Of(The.Sid);
        Assert.Equal(sidHash, Scalar(capture, "SidHash"));
        Assert.Equal(The.ClientId, Scalar(capture, "ClientId"));
        Assert.Equal(env.Keycloak.Issuer, Scalar(capture, "Issuer"));
        Assert.Equal(sidHash, Scalar(logout, "SidHash"));
        Assert.Equal("delivered", Scalar(logout, "Outcome"));
        Assert.Equal(1, Scalar(logout, "AppSessionCount"));
        Assert.IsType<double>(Scalar(logout, "ElapsedMs"));
        var delivery = Assert.Single(audit, e => e.EventIdOf() == 9003);
        Assert.Equal(sidHash, Scalar(delivery, "SidHash"));
        Assert.Equal("delivered", Scalar(delivery, "Outcome"));
        Assert.Equal(200, Scalar(delivery, "StatusCode"));
    }

    [Fact]
    public async Task Logout_OverTheRateLimit_Answers429WithOAuthErrorBody()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            settings["LogoutEnricher:RateLimiting:Logout:PermitsPerSecond"] = "1";
            settings["LogoutEnricher:RateLimiting:Logout:Burst"] = "2";
        });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await env.SendLogoutAsync("not-a-token");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await Responses.AssertOAuthErrorAsync(response, HttpStatusCode.TooManyRequests, "temporarily_unavailable");
                Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            }
        }

        Assert.Equal(HttpStatusCode.BadRequest, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    private static double Value(string exposition, string name, params (string Label, string Value)[] labels)
    {
        var matches = exposition.Split('\n').Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => labels.All(l => line.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Select(line => double.Parse(Sample().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();
        Assert.True(matches.Length > 0, $"{name} with {string.Join(',', labels)} is not in:\n{exposition}");
        return matches.Sum();
    }

    private static object? Scalar(LogEvent logEvent, string name) => ((ScalarValue)logEvent.Properties[name]).Value;

    [GeneratedRegex(@"\}?\s([0-9.eE+-]+)(\s\d+)?$")]
    private static partial Regex Sample();
}
