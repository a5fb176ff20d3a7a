using System.Diagnostics;
using System.Net;
using LogoutEnricher.IntegrationTests.Infrastructure;

namespace LogoutEnricher.ProcessTests;

/// <summary>
/// After a kill -9, a replica restarted under its stable identity takes its leases back at once,
/// instead of leaving the entries it held to wait out a whole lease (a minute by default).
/// </summary>
public sealed class LeaseRecoveryTests
{
    private const int Count = 40;

    [Fact]
    public async Task Kill9_WithEntriesLeased_RestartedReplicaDeliversThemWellBeforeTheLeaseEnds()
    {
        await using var keycloak = await FakeKeycloak.StartAsync();
        await using var app = await FakeApplication.StartAsync(The.ClientId);
        var data = Directory.CreateTempSubdirectory("logoutenricher-lease-").FullName;
        await using var sidecar = new SidecarProcess(QueuedSidecar.Settings(keycloak, app, data, new()
        {
            ["Timeout"] = "00:00:10",
            ["LeaseDuration"] = "00:01:00",
            ["ReplicaId"] = "replica-a",
        }));
        await sidecar.StartAsync();
        app.JwksAddress = new Uri(sidecar.BaseUrl, ".well-known/jwks.json");
        app.ExpectedIssuer = keycloak.Issuer;
        using var http = new HttpClient { BaseAddress = sidecar.BaseUrl };

        // A slow application: the dispatcher has its four deliveries in flight and the rest due when it dies.
        app.Delay = TimeSpan.FromSeconds(8);
        for (var n = 0; n < Count; n++)
        {
            using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", keycloak.LogoutToken(sid: $"sso-session-{n:D2}").Sign())]);
            using var response = await http.PostAsync("/backchannel-logout", form);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await app.WaitUntilAsync(a => a.InFlight >= 4, TimeSpan.FromSeconds(30));
        await sidecar.KillAsync();
        app.Delay = TimeSpan.Zero;
        var restarted = Stopwatch.StartNew();
        await sidecar.StartAsync();
        await app.WaitUntilAsync(a => SidsOf(a).Distinct().Count() == Count, TimeSpan.FromSeconds(45));

        TestContext.Current.TestOutputHelper?.WriteLine($"{Count} logouts delivered {restarted.Elapsed} after the restart (lease: 60 s).");
        Assert.True(restarted.Elapsed < TimeSpan.FromSeconds(45), $"the last entry waited {restarted.Elapsed}");
    }

    private static IEnumerable<string> SidsOf(FakeApplication app) =>
        app.Received.Select(r => r.Token.TryGetPayloadValue<string>("sid", out var sid) ? sid : "");
}
