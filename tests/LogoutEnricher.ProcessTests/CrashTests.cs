using System.Net;
using LogoutEnricher.Testing;

namespace LogoutEnricher.ProcessTests;

/// <summary>The outbox survives the process: a kill -9 with hundreds of accepted logouts loses none of them.</summary>
public sealed class CrashTests
{
    private const int Count = 300;

    [Fact]
    public async Task Kill9_WithHundredsOfEntriesInTheOutbox_RestartDeliversEveryOneAndReportsDuplicates()
    {
        await using var keycloak = await FakeKeycloak.StartAsync();
        await using var app = await FakeApplication.StartAsync(The.ClientId);
        var data = Directory.CreateTempSubdirectory("logoutenricher-crash-").FullName;
        await using var sidecar = new SidecarProcess(QueuedSidecar.Settings(keycloak, app, data, new()
        {
            ["Timeout"] = "00:00:02",
            ["LeaseDuration"] = "00:00:05",
        }));
        await sidecar.StartAsync();
        app.JwksAddress = new Uri(sidecar.BaseUrl, ".well-known/jwks.json");
        app.ExpectedIssuer = keycloak.Issuer;
        using var http = new HttpClient { BaseAddress = sidecar.BaseUrl };
        var sessions = Enumerable.Range(1, Count).Select(n => (Sid: $"sso-session-{n:D4}", AppSessionId: $"app-session-{n:D4}")).ToArray();
        foreach (var (sid, appSessionId) in sessions)
        {
            await LoginAsync(http, keycloak, sid, appSessionId);
        }

        // The application is down while Keycloak sends the logouts: all of them are accepted into the outbox.
        await app.StopAsync();
        foreach (var (sid, _) in sessions)
        {
            using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", keycloak.LogoutToken(sid: sid).Sign())]);
            using var response = await http.PostAsync("/backchannel-logout", form);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // It comes back slow; the sidecar dies mid-stream, with deliveries in flight and entries leased.
        app.Delay = TimeSpan.FromMilliseconds(100);
        await app.RestartAsync();
        await app.WaitUntilAsync(a => a.Received.Count >= 30, TimeSpan.FromSeconds(30));
        await sidecar.KillAsync();
        var beforeCrash = app.ReceivedIds.Distinct().Count();
        app.Delay = TimeSpan.Zero;
        await sidecar.StartAsync();
        await WaitForEveryLogoutAsync(app, sidecar);

        var received = app.ReceivedIds.ToArray();
        var duplicates = received.Length - Count;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Count} logouts accepted; {beforeCrash} delivered before kill -9; after restart all {Count} delivered, {duplicates} of them twice or more (in flight or leased at the crash).");
        Assert.Equal(sessions.Select(s => s.AppSessionId), received.Distinct().Order(StringComparer.Ordinal));
        Assert.All(app.Received, r => Assert.True(r.Valid, r.Error));
        Assert.InRange(duplicates, 0, Count);
    }

    /// <summary>Waits for every logout; a timeout says what the application got and what the sidecar said last.</summary>
    private static async Task WaitForEveryLogoutAsync(FakeApplication app, SidecarProcess sidecar)
    {
        try
        {
            await app.WaitUntilAsync(a => a.ReceivedIds.Distinct().Count() == Count, TimeSpan.FromSeconds(120));
        }
        catch (OperationCanceledException)
        {
            var rejected = app.Received.Where(r => !r.Valid).Select(r => r.Error).Distinct().Take(5);
            Assert.Fail($"{app.ReceivedIds.Distinct().Count()} of {Count} logouts arrived after the restart ({app.Received.Count} requests; " +
                $"rejected by the application: {string.Join(" | ", rejected)}). The sidecar's last lines:\n{sidecar.Tail}");
        }
    }

    private static async Task LoginAsync(HttpClient http, FakeKeycloak keycloak, string sid, string appSessionId)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = keycloak.IssueCode(The.ClientId, sid: sid),
            ["redirect_uri"] = "http://app.test/callback",
            ["client_id"] = The.ClientId,
            ["client_secret"] = The.ClientSecret,
            ["client_session_state"] = appSessionId,
        });
        using var response = await http.PostAsync($"/realms/{The.Realm}/protocol/openid-connect/token", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
