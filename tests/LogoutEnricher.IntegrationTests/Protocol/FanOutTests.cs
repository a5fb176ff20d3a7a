using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>Fan-out jobs: the KeycloakAdmin format, resuming after a crash or restart, and the admin view.</summary>
public sealed class FanOutTests
{
    private const string Client = $"LogoutEnricher:Issuers:demo:Clients:{The.ClientId}";
    private const string ApiKey = "admin-key-of-the-fan-out-tests";
    private static readonly string LogoutPath = $"/keycloak-admin/{The.ClientId}/k_logout";

    [Fact]
    public async Task SignOutAll_KeycloakAdminClient_GetsTheNotBeforeActionThenOneActionPerSessionVerifiedWithTheRealmKeySet()
    {
        await using var legacy = await FakeLegacyApplication.StartAsync(The.ClientId);
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            TestEnvironment.Queued(settings);
            settings["LogoutEnricher:Upstream:FrontDoor"] = "true";
            settings[$"{Client}:LogoutUrl"] = legacy.AdminUrl;
            settings[$"{Client}:Format"] = "KeycloakAdmin";
        });
        // Note: the unchanged adapter knows only the realm key set at Keycloak's public URL, which is LogoutEnricher.
        legacy.JwksAddress = new Uri(env.Client.BaseAddress!, $"realms/{The.Realm}/protocol/openid-connect/certs");
        await env.LoginAsync(The.ClientId, The.AppSessionId, The.Subject, The.Sid);
        await env.LoginAsync(The.ClientId, The.OtherAppSessionId, The.OtherSubject, The.OtherSid);
        await Task.Delay(1100);
        var notBefore = KeycloakAdminPushTests.NowSeconds();
        var pushed = env.Keycloak.LogoutAction(The.ClientId, notBefore);

        using var response = await FakeKeycloak.PushAsync(env.Client, LogoutPath, pushed.Sign());
        await WaitAsync(() => legacy.Received.Count >= 3);
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(legacy.Received, a => Assert.True(a.SignatureValid && a.NotExpired && a.ResourceMatches && a.IsLogout, "verified as the old adapter did"));
        var forwarded = Assert.Single(legacy.Received, a => a.AdapterSessionIds.Length == 0);
        Assert.Equal((pushed.Id, notBefore), (forwarded.Token.GetPayloadValue<string>("id"), forwarded.Token.GetPayloadValue<long>("notBefore")));
        Assert.False(forwarded.Token.TryGetPayloadValue<JsonElement>("keycloakSessionIds", out _));
        var perSession = legacy.Received.Where(a => a.AdapterSessionIds.Length > 0).ToList();
        Assert.Equal(new[] { The.AppSessionId, The.OtherAppSessionId }.Order(StringComparer.Ordinal), perSession.SelectMany(a => a.AdapterSessionIds).Order(StringComparer.Ordinal));
        Assert.Equal(3, legacy.Received.Count);
    }

    [Fact]
    public async Task PushNotBefore_KeycloakAdminClient_ReceivesTheKPushNotBeforeItself()
    {
        await using var legacy = await FakeLegacyApplication.StartAsync(The.ClientId);
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            TestEnvironment.Queued(settings);
            settings["LogoutEnricher:RealmKeySet:Enabled"] = "true";
            settings[$"{Client}:LogoutUrl"] = legacy.AdminUrl;
            settings[$"{Client}:Format"] = "KeycloakAdmin";
        });
        legacy.JwksAddress = new Uri(env.Client.BaseAddress!, $"realms/{The.Realm}/protocol/openid-connect/certs");
        var notBefore = KeycloakAdminPushTests.NowSeconds();

        using var response = await FakeKeycloak.PushAsync(env.Client, $"/keycloak-admin/{The.ClientId}/k_push_not_before",
            env.Keycloak.PushNotBeforeAction(The.ClientId, notBefore).Sign());
        await WaitAsync(() => !legacy.Received.IsEmpty);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var action = Assert.Single(legacy.Received);
        Assert.True(action.SignatureValid && action.NotExpired && action.ResourceMatches && action.IsLogout, "verified as the old adapter did");
        Assert.Equal(("PUSH_NOT_BEFORE", notBefore), (action.Token.GetPayloadValue<string>("action"), action.Token.GetPayloadValue<long>("notBefore")));
    }

    private const string PollInterval = "LogoutEnricher:FanOut:PollInterval";

    [Fact]
    public async Task FanOut_ReplicaDiedMidJobThenHostRestarted_ResumesFromTheSavedCursorAndEndsTheRest()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            TestEnvironment.Queued(settings);
            settings["LogoutEnricher:FanOut:PageSize"] = "2";
            // Note: this replica's worker looks for jobs once, at its start, and not again for an hour: it must not
            // lease the job below before the "dead replica" does. The restarted one looks every second.
            settings[PollInterval] = "01:00:00";
        });
        var sids = Enumerable.Range(0, 6).Select(i => $"sid-{i}").ToArray();
        foreach (var sid in sids)
        {
            await env.LoginAsync(The.ClientId, $"app-session-of-{sid}", The.Subject, sid);
        }

        // A replica accepted the job, queued the first two sessions' page, saved its cursor, then died holding the lease.
        var jobs = env.Services.GetRequiredService<IFanOutJobStore>();
        var now = DateTimeOffset.UtcNow;
        var job = new FanOutJob("job-of-a-dead-replica", env.Keycloak.Issuer, The.ClientId, "LOGOUT", $"{Guid.NewGuid()}-{now.ToUnixTimeMilliseconds()}",
            now.ToUnixTimeSeconds(), now + TimeSpan.FromSeconds(1), now, FanOutJobState.Pending, null, 0, null, now);
        Assert.True(await jobs.TryCreateAsync(job));
        // Note: a lease long enough for the steps below on a loaded machine; the restarted replica waits it out.
        Assert.NotNull(await jobs.LeaseAsync("dead-replica", TimeSpan.FromSeconds(10)));
        // Note: the keyset is the sid's stored hash, so the first page is whatever two sids hash lowest.
        var firstPage = await env.Services.GetRequiredService<ProtectedSessionStore>().ListByClientAsync(env.Keycloak.Issuer, The.ClientId, null, job.CapturedBefore, 2);
        Assert.DoesNotContain(firstPage[^1].Key.Sid, firstPage[^1].Cursor!, StringComparison.Ordinal);
        Assert.True(await jobs.AdvanceAsync(job.Id, "dead-replica", firstPage[^1].Cursor!, 2, TimeSpan.FromSeconds(10)));

        await env.RestartSidecarAsync(settings => settings.Remove(PollInterval));
        await KeycloakAdminPushTests.WaitForJobsDoneAsync(env, 1);
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);

        var rest = sids.Except(firstPage.Select(m => m.Key.Sid)).Select(s => $"app-session-of-{s}");
        Assert.Equal(rest.Order(StringComparer.Ordinal), env.App.ReceivedIds.Order(StringComparer.Ordinal));
        var done = await env.Services.GetRequiredService<IFanOutJobStore>().FindAsync(job.Id);
        Assert.Equal((FanOutJobState.Done, 6L), (done!.State, done.Sessions));
    }

    [Fact]
    public async Task AdminApi_FanOutJobs_ListsJobsWithTheirStateAndCounts()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            TestEnvironment.Queued(settings);
            settings["LogoutEnricher:Admin:Enabled"] = "true";
            settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
        });
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        await Task.Delay(1100);
        using var pushed = await FakeKeycloak.PushAsync(env.Client, LogoutPath, env.Keycloak.LogoutAction(The.ClientId, KeycloakAdminPushTests.NowSeconds()).Sign());
        await KeycloakAdminPushTests.WaitForJobsDoneAsync(env, 1);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/fan-out-jobs");
        request.Headers.Add("X-Api-Key", ApiKey);
        using var response = await env.Client.SendAsync(request);
        using var anonymous = await env.Client.GetAsync("/admin/fan-out-jobs");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized), (response.StatusCode, anonymous.StatusCode));
        Assert.Equal((0, 1, 0), (body.RootElement.GetProperty("pending").GetInt32(), body.RootElement.GetProperty("done").GetInt32(), body.RootElement.GetProperty("failed").GetInt32()));
        var job = Assert.Single(body.RootElement.GetProperty("jobs").EnumerateArray());
        Assert.Equal(("Done", The.ClientId, "LOGOUT", 1), (job.GetProperty("state").GetString(), job.GetProperty("clientId").GetString(), job.GetProperty("action").GetString(), job.GetProperty("sessions").GetInt32()));
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(50, cts.Token);
        }
    }
}
