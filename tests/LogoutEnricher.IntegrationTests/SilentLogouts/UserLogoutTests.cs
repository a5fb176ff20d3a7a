using System.Net;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// Keycloak's admin "Sign out" of a user with several sessions ends them all but sends each client one back-channel
/// logout naming the first sid only (KEYCLOAK.md). With Admin API access LogoutEnricher asks Keycloak for the user's
/// sessions right after such a logout and ends the captured ones it no longer holds; never one it still holds.
/// Reconciliation is configured an hour apart here, so it cannot be what ends them.
/// </summary>
public sealed class UserLogoutTests
{
    private const string Alice = SilentLogoutHarness.Alice;
    private const string AliceAtOtherClient = "0f1e2d3c-4b5a-4968-8776-655443322110";
    private const string BobSid = "3c2b1a09-8f7e-4d6c-9b5a-49382716a5b4";
    private const string BobAppSessionId = "PHPSESSID-b0b0b0b0b0b0";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Alice's sessions at app-one, oldest first, and the application session captured in each.</summary>
    private static readonly (string Sid, string AppSessionId)[] AliceAtAppOne =
        [(The.Sid, The.AppSessionId), (The.OtherSid, The.SecondAppSessionId), (SilentLogoutHarness.ThirdSid, "PHPSESSID-333333333333")];

    [Fact]
    public async Task AdminSignOut_ThreeSessionsOneLogoutNamingTheFirst_AllThreeEndWithoutWaitingForReconciliation()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(Configure(admin));
        await LoginAsync(env, admin);

        var ended = admin.SignOutUser(Alice);
        var sent = DateTimeOffset.UtcNow;
        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken(The.ClientId, Alice, ended[0]).Sign());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await env.App.WaitUntilAsync(app => app.ReceivedIds.Count() >= 3, Patience);

        var received = env.App.Received.ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"User logout to the last application session ended: {(received.Max(r => r.At) - sent).TotalMilliseconds:0} ms");
        Assert.All(received, r => Assert.True(r.Valid, r.Error));
        Assert.Equal(3, received.Count);
        var fromKeycloak = Assert.Single(received, r => Sid(r) == The.Sid);
        Assert.Equal([The.AppSessionId], fromKeycloak.AdapterSessionIds);
        Assert.False(fromKeycloak.Token.TryGetClaim("logout_reason", out _));
        foreach (var (sid, appSessionId) in AliceAtAppOne[1..])
        {
            var completed = Assert.Single(received, r => Sid(r) == sid);
            Assert.Equal([appSessionId], completed.AdapterSessionIds);
            Assert.Equal("user_logout", completed.Token.GetClaim("logout_reason").Value);
            Assert.Equal(Alice, completed.Token.Subject);
        }

        Assert.Equal(1, admin.RequestsTo($"/users/{Alice}/sessions"));
        Assert.NotNull(await SilentLogoutTests.FindAsync(env, The.ClientId, BobSid));
    }

    [Fact]
    public async Task LogoutOfOneSession_OtherSessionsStillHeldByKeycloak_AreNeverEnded()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(Configure(admin));
        await LoginAsync(env, admin, aliceAtOtherClient: true);

        // Keycloak ended the first two of Alice's sessions (and said so for the first only); the rest stay.
        admin.RemoveSession(The.Sid);
        admin.RemoveSession(The.OtherSid);
        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken(The.ClientId, Alice, The.Sid).Sign());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await env.App.WaitUntilAsync(app => app.ReceivedIds.Count() >= 2, Patience);
        await SilentLogoutTests.WaitUntilAsync(() => Logged(env, 8202), Patience);

        var received = env.App.Received.ToList();
        Assert.Equal(2, received.Count);
        Assert.Single(received, r => Sid(r) == The.Sid);
        var completed = Assert.Single(received, r => Sid(r) == The.OtherSid);
        Assert.Equal([The.SecondAppSessionId], completed.AdapterSessionIds);
        Assert.Equal("user_logout", completed.Token.GetClaim("logout_reason").Value);
        Assert.Empty(env.OtherApp.Received);
        Assert.NotNull(await SilentLogoutTests.FindAsync(env, The.ClientId, SilentLogoutHarness.ThirdSid));
        Assert.NotNull(await SilentLogoutTests.FindAsync(env, The.OtherClientId, AliceAtOtherClient));
        Assert.NotNull(await SilentLogoutTests.FindAsync(env, The.ClientId, BobSid));
    }

    [Fact]
    public async Task AdminSignOut_AdminApiFailing_EndsNothingMoreAndKeycloakStillGets200()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(Configure(admin));
        await LoginAsync(env, admin);

        admin.Fault = AdminApiFault.ServerError;
        var ended = admin.SignOutUser(Alice);
        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken(The.ClientId, Alice, ended[0]).Sign());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await env.App.WaitForAsync(1, Patience);
        await SilentLogoutTests.WaitUntilAsync(() => Logged(env, 8203), Patience);

        var received = Assert.Single(env.App.Received);
        Assert.Equal(The.Sid, Sid(received));
        Assert.True(admin.RequestsTo($"/users/{Alice}/sessions") >= 1, "Keycloak was never asked");
        Assert.False(Logged(env, 8202));
        Assert.NotNull(await SilentLogoutTests.FindAsync(env, The.ClientId, The.OtherSid));
        Assert.NotNull(await SilentLogoutTests.FindAsync(env, The.ClientId, SilentLogoutHarness.ThirdSid));
    }

    [Fact]
    public async Task AdminSignOut_ManyLogoutsOfTheSameUser_AskKeycloakOnce()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(Configure(admin));
        await LoginAsync(env, admin, aliceAtOtherClient: true);

        // Keycloak's one logout per client, each naming the first sid, and a resend storm of fresh tokens on top.
        var ended = admin.SignOutUser(Alice);
        var logouts = Enumerable.Range(0, 10).Select(i => env.Keycloak.LogoutToken(i % 2 == 0 ? The.ClientId : The.OtherClientId, Alice, ended[0]).Sign());
        var responses = await Task.WhenAll(logouts.Select(token => env.SendLogoutAsync(token)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await env.App.WaitUntilAsync(app => app.ReceivedIds.Contains(The.SecondAppSessionId) && app.ReceivedIds.Contains("PHPSESSID-333333333333"), Patience);
        await env.OtherApp.WaitUntilAsync(app => app.ReceivedIds.Contains(The.OtherAppSessionId), Patience);
        // Note: what must not happen needs time to pass: well beyond the delay of a check that a second logout queued.
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Equal(1, admin.RequestsTo($"/users/{Alice}/sessions"));
        var completions = env.App.Received.Concat(env.OtherApp.Received).Where(r => r.Token.TryGetClaim("logout_reason", out _)).ToList();
        Assert.Equal(3, completions.Count);
        Assert.All(completions, r => Assert.Equal("user_logout", r.Token.GetClaim("logout_reason").Value));
        Assert.NotNull(await SilentLogoutTests.FindAsync(env, The.ClientId, BobSid));
    }

    [Fact]
    public async Task AdminSignOut_NoAdminApiConfigured_OnlyTheNamedSessionEnds()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        foreach (var (sid, appSessionId) in AliceAtAppOne)
        {
            await env.LoginAsync(The.ClientId, appSessionId, sid: sid);
        }

        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken(The.ClientId, Alice, The.Sid).Sign());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await env.App.WaitForAsync(1, Patience);
        // Note: what must not happen needs time to pass.
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Single(env.App.Received);
        Assert.NotNull(await SilentLogoutTests.FindAsync(env, The.ClientId, The.OtherSid));
        Assert.NotNull(await SilentLogoutTests.FindAsync(env, The.ClientId, SilentLogoutHarness.ThirdSid));
    }

    private static Action<Dictionary<string, string?>> Configure(FakeKeycloakAdmin admin) => SilentLogoutHarness.Configure(admin, settings =>
    {
        settings["LogoutEnricher:Reconciliation:Interval"] = "01:00:00";
        settings["LogoutEnricher:Reconciliation:ConfirmationInterval"] = "01:00:00";
        // Note: a minute, so that a loaded machine spreading the logouts of one sign-out over seconds still asks once.
        settings["LogoutEnricher:UserLogouts:DeduplicationWindow"] = "00:01:00";
    });

    /// <summary>Alice: three sessions at app-one (and one at app-two if asked); Bob: one at app-one; all held by Keycloak.</summary>
    private static async Task LoginAsync(TestEnvironment env, FakeKeycloakAdmin admin, bool aliceAtOtherClient = false)
    {
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
        for (var i = 0; i < AliceAtAppOne.Length; i++)
        {
            admin.AddSessionStartedAt(start + i, AliceAtAppOne[i].Sid, Alice, The.ClientId);
            await env.LoginAsync(The.ClientId, AliceAtAppOne[i].AppSessionId, sid: AliceAtAppOne[i].Sid);
        }

        if (aliceAtOtherClient)
        {
            admin.AddSessionStartedAt(start + 10, AliceAtOtherClient, Alice, The.OtherClientId);
            await env.LoginAsync(The.OtherClientId, The.OtherAppSessionId, sid: AliceAtOtherClient);
        }

        admin.AddSessionStartedAt(start + 20, BobSid, SilentLogoutHarness.Bob, The.ClientId);
        await env.LoginAsync(The.ClientId, BobAppSessionId, sub: SilentLogoutHarness.Bob, sid: BobSid);
        // The first reconciliation cycle (at startup) is over for both clients: the next one is an hour away.
        await SilentLogoutTests.WaitUntilAsync(() => env.Logs.Events.Count(e => e.EventIdOf() == 8111) >= 2, Patience);
    }

    private static string? Sid(ReceivedLogout received) =>
        received.Token.TryGetClaim("sid", out var sid) ? sid.Value : null;

    private static bool Logged(TestEnvironment env, int eventId) => env.Logs.Events.Any(e => e.EventIdOf() == eventId);
}
