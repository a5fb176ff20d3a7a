using System.Net;
using LogoutEnricher.Delivery;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>Two replicas behind a load balancer, sharing one backend: here one SQLite file in WAL mode.</summary>
public sealed class ReplicaTests
{
    [Fact]
    public async Task Dispatch_TwoReplicasOneSharedStore_EveryEntryDeliveredDuplicatesBoundedByExpiredLeases()
    {
        const int count = 150;
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        env.App.Delay = TimeSpan.FromMilliseconds(20);
        await using var replica = env.StartReplica(out var replicaClient);
        using var _ = replicaClient;
        var sessions = Enumerable.Range(1, count).Select(n => (Sid: $"sso-session-{n:D4}", AppSessionId: $"app-session-{n:D4}")).ToArray();
        foreach (var (sid, appSessionId) in sessions)
        {
            await env.LoginAsync(The.ClientId, appSessionId, sid: sid);
        }

        // Note: the load balancer sends every other logout to the other replica; each wakes its own dispatcher.
        var statuses = await Task.WhenAll(sessions.Select(async (session, index) =>
        {
            var client = index % 2 == 0 ? env.Client : replicaClient;
            using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", env.Keycloak.LogoutToken(sid: session.Sid).Sign())]);
            using var response = await client.PostAsync("/backchannel-logout", form);
            return response.StatusCode;
        }));
        await env.App.WaitUntilAsync(app => app.ReceivedIds.Distinct().Count() == count, TimeSpan.FromSeconds(60));
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        var received = env.App.ReceivedIds.ToArray();
        Assert.Equal(sessions.Select(s => s.AppSessionId), received.Distinct().Order(StringComparer.Ordinal));
        var first = env.Services.GetRequiredService<DispatcherStatistics>();
        var second = replica.Services.GetRequiredService<DispatcherStatistics>();
        var duplicates = received.Length - count;
        var expiredLeases = first.LeaseOverruns + second.LeaseOverruns;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{count} logouts, delivered by replica 1: {first.Delivered}, by replica 2: {second.Delivered}; duplicates: {duplicates}; expired leases: {expiredLeases}");
        Assert.True(duplicates <= expiredLeases, $"{duplicates} duplicates but only {expiredLeases} expired leases");
        Assert.True(first.Delivered > 0 && second.Delivered > 0, $"replica 1 delivered {first.Delivered}, replica 2 {second.Delivered}");
        Assert.Equal(count, first.Delivered + second.Delivered - duplicates);
    }
}
