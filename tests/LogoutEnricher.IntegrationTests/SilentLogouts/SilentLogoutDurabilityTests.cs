using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;
using static LogoutEnricher.IntegrationTests.SilentLogoutTests;

namespace LogoutEnricher.IntegrationTests;

/// <summary>Replicas, restarts and the service account's token: each silent logout once, none skipped.</summary>
public sealed class SilentLogoutDurabilityTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Theory]
    [MemberData(nameof(MultiReplicaTests.SharedBackends), MemberType = typeof(MultiReplicaTests))]
    public async Task TwoReplicas_ExpiriesAndADisabledUser_EachLogoutDeliveredExactlyOnce(string provider)
    {
        await using var backend = SharedBackend.Of(provider);
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin, backend.Configure));
        await using var replicaB = env.StartReplica(out _);
        await LoginAliceTwiceAndBobOnceAsync(env, admin);

        admin.ExpireSession(The.Sid);
        admin.ExpireSession(SilentLogoutHarness.ThirdSid);
        admin.DisableUser(SilentLogoutHarness.Alice);
        await env.App.WaitForAsync(2, Patience);
        await env.OtherApp.WaitForAsync(1, Patience);
        // Several more turns of both replicas: a second delivery would show up here.
        await WaitForPollsAsync(admin, 10);
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);

        Assert.Equal(Sorted(The.AppSessionId, The.SecondAppSessionId), Sorted([.. env.App.ReceivedIds]));
        Assert.Equal([The.OtherAppSessionId], env.OtherApp.ReceivedIds);
        Assert.Equal(["session_expiration", "session_expiration"], env.App.Received.Select(r => r.Token.GetClaim("logout_reason").Value));
        Assert.Equal("user_disabled", Assert.Single(env.OtherApp.Received).Token.GetClaim("logout_reason").Value);
    }

    [Fact]
    public async Task ExpiryEvent_StoredWhileLogoutEnricherWasDown_IsHandledAfterRestartFromTheStoredCursor()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        // Note: reconciliation of sessions off: only the event cursor can find this logout.
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin, s => s["LogoutEnricher:Reconciliation:Sessions"] = "false"));
        await LoginAliceTwiceAndBobOnceAsync(env, admin, reconciled: false);
        admin.ExpireSession(The.Sid);
        await env.App.WaitForAsync(1, Patience);

        await env.RestartSidecarAsync(_ => admin.ExpireSession(SilentLogoutHarness.ThirdSid, at: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        await env.App.WaitForAsync(2, Patience);
        await WaitForPollsAsync(admin, 5);

        Assert.Equal([The.AppSessionId, The.SecondAppSessionId], env.App.ReceivedIds);
        Assert.All(env.App.Received, r => Assert.Equal("session_expiration", r.Token.GetClaim("logout_reason").Value));
        var cursor = await env.Services.GetRequiredService<IReconciliationStore>().GetCursorAsync("events|" + env.Keycloak.Issuer);
        Assert.NotNull(cursor);
    }

    [Fact]
    public async Task ExpiryEvent_WhileTheEventsCouldNotBeReadFromTheStart_IsHandledOnceTheyCanBe()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        admin.Fault = AdminApiFault.ServerError;
        // Note: an overlap far shorter than the outage, so only the stored start can find the event.
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin, s =>
        {
            s["LogoutEnricher:Reconciliation:Sessions"] = "false";
            s["LogoutEnricher:Reconciliation:EventOverlap"] = "00:00:00.050";
        }));
        admin.AddSession(The.Sid, SilentLogoutHarness.Alice, The.ClientId);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        admin.ExpireSession(The.Sid);
        await SilentLogoutTests.WaitForPollsAsync(admin, 3);
        await Task.Delay(500);

        admin.Fault = AdminApiFault.None;
        await env.App.WaitForAsync(1, Patience);

        Assert.Equal([The.AppSessionId], env.App.ReceivedIds);
        Assert.Equal("session_expiration", Assert.Single(env.App.Received).Token.GetClaim("logout_reason").Value);
    }

    [Fact]
    public async Task AdminApi_TokenExpiredEarly_RenewsOnceAndGoesOn()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin));
        await LoginAliceTwiceAndBobOnceAsync(env, admin);
        var tokensBefore = admin.TokenRequests;

        admin.ExpireTokens();
        admin.ExpireSession(The.Sid);
        await env.App.WaitForAsync(1, Patience);

        Assert.Equal("session_expiration", Assert.Single(env.App.Received).Token.GetClaim("logout_reason").Value);
        Assert.Equal(tokensBefore + 1, admin.TokenRequests);
        // The service account's secret and its bearer tokens never reach the logs.
        env.Logs.AssertNoSecrets([FakeKeycloakAdmin.ServiceAccountSecret, "kc-admin-"]);
    }

    [Fact]
    public async Task AdminApi_WrongSecret_DecidesNothingAndLogsWhatToCheck()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin,
            s => s["LogoutEnricher:KeycloakAdmin:Realms:demo:ClientSecret"] = "not-the-secret"));
        await LoginAndWaitForTokenRequestsAsync(env, admin);

        admin.ExpireSession(The.Sid);
        await WaitUntilAsync(() => admin.TokenRequests >= 6, Patience);

        Assert.Empty(env.App.Received);
        Assert.Contains(env.Logs.Events, e => e.Properties.TryGetValue("EventId", out var id) && id.ToString().Contains("8002", StringComparison.Ordinal));
        Assert.Empty(admin.Requests);
    }

    [Fact]
    public async Task AdminApi_ServiceAccountWithoutViewEvents_Gets403AndNothingIsEndedFromEvents()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        admin.ServiceAccountRoles = ["view-users", "view-clients", "view-realm"];
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin, s => s["LogoutEnricher:Reconciliation:Sessions"] = "false"));
        await LoginAliceTwiceAndBobOnceAsync(env, admin, reconciled: false);

        admin.ExpireSession(The.Sid);
        await WaitUntilAsync(() => admin.Requests.Count >= 8, Patience);

        Assert.Empty(env.App.Received);
        Assert.Contains(env.Logs.Events, e => e.RenderMessage().Contains("view-events", StringComparison.Ordinal));
    }

    private static async Task LoginAndWaitForTokenRequestsAsync(TestEnvironment env, FakeKeycloakAdmin admin)
    {
        admin.AddSession(The.Sid, SilentLogoutHarness.Alice, The.ClientId);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        await WaitUntilAsync(() => admin.TokenRequests >= 2, Patience);
    }

    private static string[] Sorted(params string[] values) => [.. values.Order(StringComparer.Ordinal)];
}
