using LogoutEnricher.Storage.PostgreSql;
using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

/// <summary>PostgreSQL readiness is whether the server takes a write, not whether it answers.</summary>
public sealed partial class PostgreSqlStorageTests
{
    [Fact]
    public async Task PingAsync_ServerRefusesWrites_ThrowsStorageUnavailable()
    {
        // Every transaction of this pool is read-only, as on a standby after a failover: reads work, writes fail.
        var readOnly = Open(Time, TestServers.PostgreSql + ";Options=-c default_transaction_read_only=on", _schema);
        await using var services = readOnly.Services;

        await services.Sessions.FindAsync(The.Key, Ct);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => services.Health.PingAsync(Ct));
    }
}

/// <summary>Background work never takes the connections a request needs.</summary>
public sealed partial class PostgreSqlStorageTests
{
    [Fact]
    public async Task RunAsync_BackgroundWorkWantsEveryConnection_ARequestStillGetsOne()
    {
        // Note: a pool of four, so background work may hold two; the request's wait for a connection ends after 5 s.
        await using var database = new PostgreSqlDatabase(new PostgreSqlStorageOptions
        {
            ConnectionString = TestServers.PostgreSql + ";Maximum Pool Size=4;Timeout=5",
            Schema = "public",
        });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var background = Enumerable.Range(0, 4).Select(_ => database.RunAsync("hold a connection", async connection =>
        {
            Interlocked.Increment(ref started);
            await release.Task;
        }, Ct)).ToList();
        // Note: the request comes once background work holds its two connections (opening them may take a while on a
        // busy machine; before this wait the request could be served first and the count read too early).
        for (var i = 0; i < 300 && Volatile.Read(ref started) < 2; i++)
        {
            await Task.Delay(100, Ct);
        }

        int answer;
        using (StorageWaitBudget.Begin(TimeSpan.FromSeconds(2)))
        {
            answer = await database.RunAsync("answer a request", async connection =>
            {
                await using var command = new Npgsql.NpgsqlCommand("SELECT 42", connection);
                return (int)(await command.ExecuteScalarAsync(Ct))!;
            }, Ct);
        }

        var startedWhileHeld = Volatile.Read(ref started);
        release.SetResult();
        await Task.WhenAll(background);

        Assert.Equal(2, database.BackgroundConnections);
        Assert.Equal(42, answer);
        Assert.Equal(2, startedWhileHeld);
        Assert.Equal(4, started);
    }
}

/// <summary>Background work never holds more connections than the server's CPUs can serve alongside requests.</summary>
public sealed class PostgreSqlBackgroundConnectionsTests
{
    [Theory]
    [InlineData("", 16)] // Npgsql's default pool of 100: half would be 50
    [InlineData(";Maximum Pool Size=200", 16)]
    [InlineData(";Maximum Pool Size=20", 10)]
    [InlineData(";Maximum Pool Size=1", 1)]
    public async Task BackgroundConnections_PoolSize_IsHalfOfItAtMostSixteen(string pool, int expected)
    {
        // Note: building the pool opens no connection, so no server is needed.
        await using var database = new PostgreSqlDatabase(new PostgreSqlStorageOptions
        {
            ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody" + pool,
            Schema = "public",
        });

        Assert.Equal(expected, database.BackgroundConnections);
    }
}
