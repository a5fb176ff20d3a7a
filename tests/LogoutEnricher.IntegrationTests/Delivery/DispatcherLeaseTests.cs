using System.Net;
using LogoutEnricher.Delivery;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// The dispatcher leases for each application only its deliveries in flight and a short queue behind them (half of
/// <c>Delivery:MaxParallelism</c>, at least <c>MaxParallelismPerClient</c>), so a crash holds back at most those, and
/// every other due entry stays leasable by another replica.
/// </summary>
public sealed class DispatcherLeaseTests
{
    [Theory]
    [InlineData(8, 4)]
    [InlineData(16, 8)]
    public async Task Dispatch_TwentyDueEntriesOfOneSlowClient_LeavesAllButItsInFlightAndQueuedEntriesToOthers(int maxParallelism, int held)
    {
        const int count = 20;
        const int perClient = 4;
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            TestEnvironment.Queued(settings);
            settings["LogoutEnricher:Delivery:MaxParallelismPerClient"] = $"{perClient}";
            settings["LogoutEnricher:Delivery:MaxParallelism"] = $"{maxParallelism}";
            settings["LogoutEnricher:Delivery:Timeout"] = "00:00:15";
            settings["LogoutEnricher:Delivery:LeaseDuration"] = "00:00:40";
        });
        // Note: long enough that no delivery finishes while the twenty logouts are still being sent on a loaded
        // machine (a finished one would leave the outbox and look like an entry the dispatcher held back).
        env.App.Delay = TimeSpan.FromSeconds(10);
        for (var n = 0; n < count; n++)
        {
            using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken(sid: $"sso-session-{n:D2}").Sign());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Another replica asks for work while the deliveries the client allows are in flight.
        await WaitUntilAsync(() => env.App.InFlight >= perClient, TimeSpan.FromSeconds(10));
        Assert.Equal(perClient, env.App.InFlight);
        var outbox = env.Services.GetRequiredService<IOutboxStore>();
        // Note: the dispatcher may lease a few more than its client can take (its room counts every configured
        // client) and hands those back at once; look a few times, a millisecond lease each, and keep the most seen.
        var available = 0;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (available < count - held && DateTime.UtcNow < deadline)
        {
            var leased = await outbox.LeaseAsync("another-replica", 100, TimeSpan.FromMilliseconds(1), TestContext.Current.CancellationToken);
            available = Math.Max(available, leased.Count);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.InRange(available, count - held - 1, count - held);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(20, cts.Token);
        }
    }

    [Fact]
    public async Task ReplicaIdentity_NoReplicaId_IsKeptPerDataDirectoryAcrossRestartsButNeverSharedByTwoRunningHosts()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        var first = env.Services.GetRequiredService<ReplicaIdentity>();
        var owner = first.Owner;

        string second;
        await using (var replica = env.StartReplica(out var client))
        {
            client.Dispose();
            var other = replica.Services.GetRequiredService<ReplicaIdentity>();
            (second, var secondStable) = (other.Owner, other.IsStable);
            Assert.False(secondStable);
        }

        await env.RestartSidecarAsync();
        var restarted = env.Services.GetRequiredService<ReplicaIdentity>();

        Assert.True(first.IsStable);
        Assert.NotEqual(owner, second);
        Assert.Equal((owner, true), (restarted.Owner, restarted.IsStable));
    }
}
