using LogoutEnricher.Storage.Redis;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Tests;

/// <summary>A request's Redis commands never wait behind background work's commands on the same connection.</summary>
public sealed partial class RedisStorageTests
{
    [Fact]
    public async Task RunAsync_BackgroundConnectionBusyWithALongCommand_ARequestsCommandIsAnsweredMeanwhile()
    {
        var blockedList = _prefix + "blocked";
        await using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(Time)
            .AddRedisStorage(options =>
            {
                // The client library's own timeout must outlast the blocking command below.
                options.Configuration = TestServers.Redis + ",asyncTimeout=60000";
                options.KeyPrefix = _prefix;
            })
            .BuildServiceProvider();
        var connection = provider.GetRequiredService<RedisConnection>();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis + ",allowAdmin=true");

        // Background work whose connection is held by a command that answers only when the list gets an element (or
        // after 30 s): every later command on that connection waits for it, as behind a fan-out's pipelined writes.
        var blocked = connection.RunAsync("wait", database => database.ExecuteAsync("BLPOP", blockedList, 30));
        await WaitUntilAsync(async () => (await admin.GetServers()[0].ClientListAsync()).Any(c => c.LastCommand == "blpop"));

        bool answered;
        using (StorageWaitBudget.Begin(TimeSpan.FromSeconds(30)))
        {
            answered = await connection.RunAsync("ping", async database => (await database.PingAsync()) >= TimeSpan.Zero);
        }

        var backgroundStillWaiting = !blocked.IsCompleted;
        await admin.GetDatabase().ListLeftPushAsync(blockedList, "done");
        var released = await blocked;

        Assert.True(backgroundStillWaiting, "the request's PING was answered only after the background connection's command");
        Assert.True(answered);
        Assert.Equal("done", ((RedisResult[])released!)[1].ToString());
        var clients = await admin.GetServers()[0].ClientListAsync();
        Assert.Contains(clients, c => c.Name == "logoutenricher-background");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300 && !await condition(); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
