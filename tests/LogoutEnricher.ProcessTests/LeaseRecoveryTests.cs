using System.Diagnostics;
using System.Net;
using LogoutEnricher.Testing;

namespace LogoutEnricher.ProcessTests;

/// <summary>
/// After a kill -9, a replica restarted under its stable identity (Delivery:ReplicaId, or by default the one kept in its
/// data directory) takes its leases back at once, instead of leaving the entries it held to wait out a whole lease (a
/// minute by default).
/// </summary>
public sealed class LeaseRecoveryTests
{
    private const int Count = 40;

    [Fact]
    public async Task Kill9_WithEntriesLeased_RestartedReplicaDeliversThemWellBeforeTheLeaseEnds() =>
        await RestartAfterKill9Async(new() { ["ReplicaId"] = "replica-a" });

    [Fact]
    public async Task Kill9_WithEntriesLeasedAndNoReplicaId_RestartedReplicaOnTheSameDataDirectoryDeliversThemWellBeforeTheLeaseEnds()
    {
        // The identity kept beside the SQLite file stands in for Delivery:ReplicaId.
        var data = await RestartAfterKill9Async([]);

        Assert.True(File.Exists(Path.Combine(data, "replica-id")));
    }

    /// <returns>The data directory.</returns>
    private static async Task<string> RestartAfterKill9Async(Dictionary<string, string> delivery)
    {
        await using var keycloak = await FakeKeycloak.StartAsync();
        await using var app = await FakeApplication.StartAsync(The.ClientId);
        var data = Directory.CreateTempSubdirectory("logoutenricher-lease-").FullName;
        delivery["Timeout"] = "00:00:10";
        delivery["LeaseDuration"] = "00:01:00";
        await using var sidecar = new SidecarProcess(QueuedSidecar.Settings(keycloak, app, data, delivery));
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
        var completedBeforeKill = SidsOf(app.Received).ToHashSet(StringComparer.Ordinal);
        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await sidecar.KillAsync();
        app.Delay = TimeSpan.Zero;
        var restarted = Stopwatch.StartNew();
        await sidecar.StartAsync();
        // Note: the application still finishes the requests it was answering when the sidecar died; those tokens were
        // minted before the kill. Only a token minted after the restart (iat past the kill's second; a start takes
        // longer than that) shows that the restarted replica took the entries back.
        await app.WaitUntilAsync(a => completedBeforeKill.Union(SidsOf(a.Received.Where(r => r.Token.IssuedAt > DateTimeOffset.FromUnixTimeSeconds(killedAt).UtcDateTime))).Count() == Count,
            TimeSpan.FromSeconds(45));

        TestContext.Current.TestOutputHelper?.WriteLine($"{Count} logouts delivered {restarted.Elapsed} after the restart (lease: 60 s).");
        Assert.True(restarted.Elapsed < TimeSpan.FromSeconds(45), $"the last entry waited {restarted.Elapsed}");
        return data;
    }

    private static IEnumerable<string> SidsOf(IEnumerable<ReceivedLogout> received) =>
        received.Select(r => r.Token.TryGetPayloadValue<string>("sid", out var sid) ? sid : "");
}
