using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// The logouts Keycloak never sends, found through its Admin API (a fake with Keycloak's paths, roles, paging and
/// representations): expiry events, disabled and deleted users; never on doubt.
/// </summary>
public sealed class SilentLogoutTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ExpiryEvent_SessionHeldByOneClient_DeliversSessionExpirationToThatClientOnly()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin));
        admin.AddSession(The.Sid, SilentLogoutHarness.Alice, The.ClientId);
        admin.AddSession(The.OtherSid, SilentLogoutHarness.Alice, The.OtherClientId);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        await env.LoginAsync(The.OtherClientId, The.OtherAppSessionId, sid: The.OtherSid);

        admin.ExpireSession(The.Sid);
        await env.App.WaitForAsync(1, Patience);
        await WaitForPollsAsync(admin, 3);

        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal("session_expiration", received.Token.GetClaim("logout_reason").Value);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
        Assert.Equal(The.Sid, received.Token.GetClaim("sid").Value);
        Assert.Equal(The.Subject, received.Token.Subject);
        Assert.Empty(env.OtherApp.Received);
        Assert.NotNull(await FindAsync(env, The.OtherClientId, The.OtherSid));
    }

    [Fact]
    public async Task UserDisabled_EveryCapturedSessionOfThatUserEnds_NoOther()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin));
        await LoginAliceTwiceAndBobOnceAsync(env, admin);

        admin.DisableUser(SilentLogoutHarness.Alice);

        await AssertOnlyAliceLoggedOutAsync(env, admin, "user_disabled");
    }

    [Fact]
    public async Task UserDeleted_EveryCapturedSessionOfThatUserEnds_NoOther()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin));
        await LoginAliceTwiceAndBobOnceAsync(env, admin);

        admin.DeleteUser(SilentLogoutHarness.Alice);

        await AssertOnlyAliceLoggedOutAsync(env, admin, "user_deleted");
    }

    [Fact]
    public async Task SessionGoneWithoutEvent_MissingInTwoListingsAnIntervalApart_EndsAsTerminated()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin));
        await LoginAliceTwiceAndBobOnceAsync(env, admin);
        var removedAt = DateTimeOffset.UtcNow;

        admin.RemoveSession(The.Sid);
        await env.App.WaitForAsync(1, Patience);

        var received = Assert.Single(env.App.Received);
        Assert.Equal("terminated", received.Token.GetClaim("logout_reason").Value);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
        // Never on the first observation: the confirmation interval (1.5 s here) passed between the two.
        Assert.True(received.At - removedAt >= TimeSpan.FromSeconds(1.5), $"Ended after {received.At - removedAt}");
        Assert.NotNull(await FindAsync(env, The.ClientId, SilentLogoutHarness.ThirdSid));
    }

    [Fact]
    public async Task SessionStillLive_OtherSessionsEndWhileThePagesAreWalked_IsNeverEnded()
    {
        // A busy realm: each walk, a session listed before Alice's ends once the first page was served (so hers slides
        // onto that page, already read) and another starts before the next walk. Paged by first/max, she goes unlisted
        // in every walk, though Keycloak never ended her session.
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin));
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3_600_000;
        var others = new Queue<string>();
        var next = 0;
        void StartOther() => admin.AddSessionStartedAt(start + next, $"other-{next}", $"user-{next++:D4}-0000", The.ClientId);
        StartOther();
        StartOther();
        others.Enqueue("other-0");
        others.Enqueue("other-1");
        admin.AddSessionStartedAt(start + 1_000_000, The.Sid, SilentLogoutHarness.Alice, The.ClientId);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        // One full reconciliation first: Alice listed as captured, so her subject is known to be her user id.
        var settled = admin.RequestsTo("/clients/");
        await WaitUntilAsync(() => admin.RequestsTo("/clients/") >= settled + 12, Patience);
        var ended = false;
        admin.BeforeClientSessionsPage = first =>
        {
            lock (others)
            {
                if (first == 0 && ended)
                {
                    others.Enqueue($"other-{next}");
                    StartOther();
                    ended = false;
                }
                else if (first == 2 && others.TryDequeue(out var gone))
                {
                    admin.Sessions.TryRemove(gone, out _);
                    ended = true;
                }
            }
        };

        // Note: what must not happen needs time to pass: many walks, over several confirmation intervals (1.5 s).
        var listings = admin.RequestsTo("/clients/");
        await WaitUntilAsync(() => admin.RequestsTo("/clients/") >= listings + 40, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Empty(env.App.Received);
        Assert.NotNull(await FindAsync(env, The.ClientId, The.Sid));
        Assert.True(admin.RequestsTo("/users/" + SilentLogoutHarness.Alice + "/sessions") > 0, "Alice's own sessions were never asked for");
    }

    [Theory]
    [InlineData(AdminApiFault.ServerError)]
    [InlineData(AdminApiFault.Timeout)]
    [InlineData(AdminApiFault.ShortPage)]
    public async Task SessionStillListed_AdminApiFailing_IsNeverEnded(AdminApiFault fault)
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin));
        await LoginAliceTwiceAndBobOnceAsync(env, admin);

        admin.Fault = fault;
        // Note: what must not happen needs time to pass: several turns, over more than twice the confirmation interval.
        var since = DateTimeOffset.UtcNow;
        var requests = admin.Requests.Count;
        await WaitUntilAsync(() => admin.Requests.Count >= requests + 8 && DateTimeOffset.UtcNow - since > TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(60));

        Assert.Empty(env.App.Received);
        Assert.Empty(env.OtherApp.Received);
        Assert.NotNull(await FindAsync(env, The.ClientId, The.Sid));
        Assert.NotNull(await FindAsync(env, The.OtherClientId, The.OtherSid));
        Assert.NotNull(await FindAsync(env, The.ClientId, SilentLogoutHarness.ThirdSid));
    }

    /// <summary>Alice: The.Sid at app-one and The.OtherSid at app-two; Bob: ThirdSid at app-one; all listed by Keycloak.</summary>
    internal static async Task LoginAliceTwiceAndBobOnceAsync(TestEnvironment env, FakeKeycloakAdmin admin, bool reconciled = true)
    {
        admin.Fault = AdminApiFault.None;
        // Keycloak holds the session before it issues the tokens LogoutEnricher captures.
        admin.AddSession(The.Sid, SilentLogoutHarness.Alice, The.ClientId);
        admin.AddSession(The.OtherSid, SilentLogoutHarness.Alice, The.OtherClientId);
        admin.AddSession(SilentLogoutHarness.ThirdSid, SilentLogoutHarness.Bob, The.ClientId);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        await env.LoginAsync(The.OtherClientId, The.OtherAppSessionId, sid: The.OtherSid);
        await env.LoginAsync(The.ClientId, The.SecondAppSessionId, sub: SilentLogoutHarness.Bob, sid: SilentLogoutHarness.ThirdSid);
        // One full reconciliation after the logins: the sessions are known to both sides, as minutes after a login.
        var listings = admin.RequestsTo("/clients/");
        await WaitUntilAsync(() => !reconciled || admin.RequestsTo("/clients/") >= listings + 12, Patience);
    }

    private static async Task AssertOnlyAliceLoggedOutAsync(TestEnvironment env, FakeKeycloakAdmin admin, string reason)
    {
        await env.App.WaitForAsync(1, Patience);
        await env.OtherApp.WaitForAsync(1, Patience);
        await WaitForPollsAsync(admin, 5);

        var atOne = Assert.Single(env.App.Received);
        var atTwo = Assert.Single(env.OtherApp.Received);
        Assert.True(atOne.Valid, atOne.Error);
        Assert.True(atTwo.Valid, atTwo.Error);
        Assert.Equal([The.AppSessionId], atOne.AdapterSessionIds);
        Assert.Equal([The.OtherAppSessionId], atTwo.AdapterSessionIds);
        Assert.Equal(reason, atOne.Token.GetClaim("logout_reason").Value);
        Assert.Equal(reason, atTwo.Token.GetClaim("logout_reason").Value);
        Assert.NotNull(await FindAsync(env, The.ClientId, SilentLogoutHarness.ThirdSid));
    }

    internal static Task<SessionMapping?> FindAsync(TestEnvironment env, string clientId, string sid) =>
        env.Services.GetRequiredService<ProtectedSessionStore>().FindAsync(new SessionKey(env.Keycloak.Issuer, clientId, sid));

    /// <summary>Waits until LogoutEnricher polled the events <paramref name="count"/> more times (it did look again).</summary>
    internal static Task WaitForPollsAsync(FakeKeycloakAdmin admin, int count)
    {
        var start = admin.RequestsTo("/events?");
        return WaitUntilAsync(() => admin.RequestsTo("/events?") >= start + count, Patience);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(50, cts.Token);
        }
    }
}
