using LogoutEnricher.Storage.Sqlite;
using LogoutEnricher.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.Storage.Tests;

/// <summary>Durable acknowledgement on SQLite: every connection fsyncs its commits, and group commit shares them.</summary>
public sealed partial class SqliteStorageTests
{
    [Fact]
    public async Task Connections_EveryOneTheFactoryOpens_AreWalWithSynchronousFull()
    {
        var factory = _open!.Provider.GetRequiredService<SqliteConnectionFactory>();

        // Note: opened together, so the pool has to create native connections beyond the first.
        var connections = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => factory.OpenAsync(Ct)));
        try
        {
            foreach (var connection in connections)
            {
                Assert.Equal("2", await PragmaAsync(connection, "synchronous")); // 2 = FULL: the WAL is fsync'd at every commit
                Assert.Equal("wal", await PragmaAsync(connection, "journal_mode"));
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task GroupCommit_ConcurrentCaptures_ShareTransactionsAndAreCommittedWhenTheyReturn()
    {
        var group = _open!.Provider.GetRequiredService<SqliteGroupCommit>();
        var before = (group.Commits, group.Writes);

        await Task.WhenAll(Enumerable.Range(1, 32).Select(async n =>
        {
            await Task.Yield();
            await Sessions.AddAsync(new SessionKey(The.Issuer, The.ClientId, $"sid-{n}"), The.Subject, [The.AppSessionNumber(n)], The.ExpiresAt, Ct);
            // Committed, not only written: a connection of its own (outside the pool) sees it.
            Assert.Equal([1L], await QueryAsync($"SELECT COUNT(*) FROM sessions WHERE sid = '{Sessions.SidLookups($"sid-{n}")[0]}';"));
        }));

        Assert.Equal(32, group.Writes - before.Writes);
        Assert.True(group.Commits - before.Commits < 32, $"{group.Commits - before.Commits} commits for 32 concurrent writes");
    }

    [Fact]
    public async Task GroupCommit_OneWriteFailsInTheSharedTransaction_OnlyThatCallerFails()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1)], Ct);

        // The duplicate id violates the primary key inside the shared transaction; the captures around it must commit.
        var duplicate = Outbox.EnqueueAsync([OutboxEntryNumber(2), OutboxEntryNumber(1)], Ct);
        var captures = Enumerable.Range(1, 16).Select(n =>
            Sessions.AddAsync(new SessionKey(The.Issuer, The.ClientId, $"sid-{n}"), The.Subject, [The.AppSessionNumber(n)], The.ExpiresAt, Ct));
        var all = Task.WhenAll(captures);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => duplicate);
        await all;

        Assert.Equal([16L], await QueryAsync("SELECT COUNT(*) FROM sessions;"));
        Assert.Equal([1L], await QueryAsync("SELECT COUNT(*) FROM outbox;")); // entry 2 went with its failed logout
    }

    [Fact]
    public async Task GroupCommit_MaxWaitSet_WritersArrivingApartShareOneCommit()
    {
        var opened = Open(Time, Path.Combine(_directory, "waiting.db"), configure: options => options.GroupCommitMaxWait = TimeSpan.FromMilliseconds(100));
        await using var services = opened.Services;
        await opened.Initializer.InitializeAsync(Ct);
        var group = opened.Provider.GetRequiredService<SqliteGroupCommit>();
        var before = group.Commits;

        // Note: the first write waits for company before committing; the second arrives during that wait.
        var first = services.ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct);
        var second = services.ReplayCache.TryAddAsync(The.Issuer, The.OtherJti, The.ReplayExpiresAt, Ct);

        var added = await Task.WhenAll(first, second);

        Assert.Equal([true, true], added);
        Assert.Equal(1, group.Commits - before);
    }

    private static async Task<string> PragmaAsync(SqliteConnection connection, string name)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToString(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
