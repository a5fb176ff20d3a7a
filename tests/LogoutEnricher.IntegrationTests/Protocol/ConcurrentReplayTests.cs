using System.Net;
using LogoutEnricher.Delivery;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// Copies of one logout token arriving at the same moment. The <c>jti</c> is claimed atomically
/// before the logout is processed, so exactly one copy is accepted whatever the backend and delivery mode.
/// </summary>
public sealed class ConcurrentReplayTests
{
    private const int Tokens = 50;

    private const int CopiesPerToken = 20;

    /// <summary>
    /// Connections the copies share. Note: one connection per copy (1,000 sockets, twice over with the inline
    /// deliveries) would take this test process past common open-file limits and fail unrelated tests running beside
    /// it; 64 connections still put all copies of a token in flight together, since they are queued side by side.
    /// </summary>
    private const int Connections = 64;

    public static TheoryData<string, string> BackendsAndModes => new()
    {
        { "Sqlite", "Synchronous" },
        { "Sqlite", "Queued" },
        { "Redis", "Synchronous" },
        { "Redis", "Queued" },
        { "PostgreSql", "Synchronous" },
        { "PostgreSql", "Queued" },
    };

    [Theory]
    [MemberData(nameof(BackendsAndModes))]
    public async Task Logout_FiftyTokensEachSentTwentyTimesAtOnce_ExactlyOneCopyOfEachAccepted(string provider, string mode)
    {
        await using var backend = provider == "Sqlite" ? null : SharedBackend.Of(provider);
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            backend?.Configure(settings);
            // Note: a delivery that times out under load is retried (at-least-once) and would blur the count.
            settings["LogoutEnricher:Delivery:Timeout"] = "00:00:05";
            if (mode == "Queued")
            {
                TestEnvironment.Queued(settings);
            }
        });
        var tokens = Enumerable.Range(0, Tokens).Select(n => env.Keycloak.LogoutToken(sid: $"sso-session-{n:D3}").Sign()).ToArray();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections }) { BaseAddress = env.Client.BaseAddress };

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = tokens.SelectMany(token => Enumerable.Range(0, CopiesPerToken).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            using var response = await env.SendLogoutAsync(token, client: client);
            var body = await response.Content.ReadAsStringAsync();
            return (Token: token, response.StatusCode, Body: body);
        }))).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(attempts);

        // Note: under load a claimed copy may still be refused for a transient reason (store busy, delivery timeout);
        // it then releases its claim while the other copies were already answered Replayed, so the provider's resend
        // must be accepted: every token ends up accepted exactly once.
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.True(
            r.Body.Contains("Replayed:", StringComparison.Ordinal) || r.Body.Contains("temporarily_unavailable", StringComparison.Ordinal)
            || r.Body.Contains("delivery_failed", StringComparison.Ordinal), r.Body));
        var acceptedPerToken = tokens.Select(token => results.Count(r => r.Token == token && r.StatusCode == HttpStatusCode.OK)).ToArray();
        Assert.All(acceptedPerToken, accepted => Assert.InRange(accepted, 0, 1));
        foreach (var token in tokens.Where((_, index) => acceptedPerToken[index] == 0))
        {
            using var resent = await env.SendLogoutAsync(token);
            Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        }

        await env.App.WaitUntilAsync(app => SidsOf(app).Distinct().Count() == Tokens, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        var retried = env.Services.GetRequiredService<DispatcherStatistics>().Retried;
        var failedDeliveries = results.Count(r => r.Body.Contains("delivery_failed", StringComparison.Ordinal));
        Assert.InRange(SidsOf(env.App).Length, Tokens, Tokens + retried + failedDeliveries);
    }

    private static string[] SidsOf(FakeApplication app) =>
        [.. app.Received.Select(r => r.Token.TryGetPayloadValue<string>("sid", out var sid) ? sid : "")];
}
