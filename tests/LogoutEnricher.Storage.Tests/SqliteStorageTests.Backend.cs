using LogoutEnricher.Storage.Relational;
using LogoutEnricher.Storage.Sqlite;
using LogoutEnricher.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LogoutEnricher.Storage.Tests;

public sealed partial class SqliteStorageTests
{
    [Fact]
    public async Task SecondStoreOverSameFile_AfterRestart_SeesTheData()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct);
        await SigningKeys.TryAddAsync(The.SigningKey, Ct);

        var restarted = Open(Time, DatabasePath);
        await using var services = restarted.Services;
        await restarted.Initializer.InitializeAsync(Ct);

        Assert.Equal([The.AppSession], (await services.Sessions.FindAsync(The.Key, Ct))!.AppSessions);
        Assert.True(await services.ReplayCache.ContainsAsync(The.Issuer, The.Jti, Ct));
        Assert.Equal([The.SigningKey], await services.SigningKeys.GetAllAsync(Ct));
    }

    [Fact]
    public async Task InitializeAsync_CalledAgain_RecordsEachMigrationOnce()
    {
        var again = Open(Time, DatabasePath);
        await using var services = again.Services;

        await again.Initializer.InitializeAsync(Ct);

        Assert.Equal([.. SqliteStorageInitializer.Migrations.Select(m => (long)m.Version)], await QueryAsync("SELECT version FROM schema_migrations ORDER BY version;"));
    }

    [Fact]
    public async Task PurgeExpiredAsync_MoreThanOneBatch_DeletesEveryMappingAndItsAppSessions()
    {
        var count = (2 * SqliteBatchDelete.BatchSize) + 1;
        for (var i = 0; i < count; i++)
        {
            await AddAsync(new SessionKey(The.Issuer, The.ClientId, $"sid-{i}"), The.ExpiresAt, The.AppSession, The.OtherAppSession);
        }

        Time.Advance(The.SessionLifetime + TimeSpan.FromSeconds(1));

        Assert.Equal(count, await Sessions.PurgeExpiredAsync(Time.GetUtcNow(), Ct));
        Assert.Equal([0L], await QueryAsync("SELECT COUNT(*) FROM app_sessions;"));
    }

    [Fact]
    public async Task PingAsync_DatabaseNeverMigrated_ThrowsStorageUnavailable()
    {
        var fresh = Open(Time, Path.Combine(_directory, "never-migrated.db"));
        await using var services = fresh.Services;

        await Assert.ThrowsAsync<StorageUnavailableException>(() => services.Health.PingAsync(Ct));
    }

    [Fact]
    public async Task AddAsync_FileCannotBeOpened_ThrowsStorageUnavailableWithoutIds()
    {
        // A regular file where the database's directory should be: every open fails.
        var blocker = Path.Combine(_directory, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "", Ct);
        var broken = Open(Time, Path.Combine(blocker, "store.db"));
        await using var services = broken.Services;

        var exception = await Assert.ThrowsAsync<StorageUnavailableException>(() => services.Sessions.AddAsync(The.Key, The.Subject, [The.AppSession], The.ExpiresAt, Ct));

        Assert.DoesNotContain(The.Sid, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(The.Subject, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSqliteStorage_HostStarted_SchemaIsReadyUnderContentRoot()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _directory });
        builder.Services.AddSqliteStorage(options => options.Path = "data/hosted.db");
        using var host = builder.Build();

        await host.StartAsync(Ct);
        await host.Services.GetRequiredService<IStorageHealth>().PingAsync(Ct);
        await host.StopAsync(Ct);

        Assert.True(File.Exists(Path.Combine(_directory, "data", "hosted.db")));
    }

    [Fact]
    public async Task AddSqliteStorage_HostedServiceRegisteredEarlier_WritesInItsStartAsync()
    {
        // Note: the worker is registered before the storage, so only the initializer running in StartingAsync (before
        // every StartAsync) lets its write find the tables.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _directory });
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddHostedService<WriteOnStart>();
        builder.Services.AddSqliteStorage(options => options.Path = "early.db");
        using var host = builder.Build();

        await host.StartAsync(Ct);
        var found = await new ProtectedSessionStore(host.Services.GetRequiredService<ISessionRecordStore>(), TestIdentityProtector.Default).FindAsync(The.KeyOfOtherSid, Ct);
        await host.StopAsync(Ct);

        Assert.Equal([The.AppSession], found!.AppSessions);
    }

    private sealed class WriteOnStart(ISessionRecordStore records) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            new ProtectedSessionStore(records, TestIdentityProtector.Default).AddAsync(The.KeyOfOtherSid, The.Subject, [The.AppSession], The.ExpiresAt, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task OutboxFindOldestPendingAsync_QueryPlan_SeeksTheClientIndexAndScansNothing()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1)], Ct);
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteOutboxStore.OldestPendingSql;
        command.Parameters.AddWithValue("$issuer", The.Issuer);
        command.Parameters.AddWithValue("$client", The.ClientId);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var plan = await DbRows.ReadAllAsync(reader, row => row.GetString(3), Ct);

        Assert.Contains(plan, step => step.StartsWith("SEARCH outbox USING INDEX ix_outbox_client_pending", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal) || step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    private async Task<List<long>> QueryAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(Ct);
        return await DbRows.ReadAllAsync(reader, row => row.GetInt64(0), Ct);
    }
}
