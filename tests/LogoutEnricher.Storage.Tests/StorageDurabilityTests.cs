using LogoutEnricher.Storage.PostgreSql;
using LogoutEnricher.Storage.Redis;
using LogoutEnricher.Storage.Sqlite;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LogoutEnricher.Storage.Tests;

/// <summary>Each backend reports the settings that decide whether an acknowledged write survives power loss.</summary>
public sealed class StorageDurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sqlite_CheckAsync_IsDurableWithWalAndSynchronousFull()
    {
        var directory = Path.Combine(Path.GetTempPath(), "logoutenricher-durability-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var provider = new ServiceCollection().AddSqliteStorage(options => options.Path = Path.Combine(directory, "store.db")).BuildServiceProvider())
            {
                var reading = await provider.GetRequiredService<IStorageDurability>().CheckAsync(Ct);

                Assert.True(reading.IsDurable);
                Assert.Equal("FULL", reading.Settings["synchronous"]);
                Assert.Equal("wal", reading.Settings["journal_mode"]);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Redis_TestServerWithoutAppendOnlyFile_ReportsItAsNotDurable()
    {
        // Note: .ci/services/redis.sh starts its server with --appendonly no, as a cache-only Redis runs.
        var reading = await RedisDurabilityAsync(TestServers.Redis);

        var finding = Assert.Single(reading.Findings);
        Assert.Equal(("appendonly", "no", false), (finding.Setting, finding.Value, finding.Fatal));
    }

    [Fact]
    public async Task Redis_AppendOnlyFileTurnedOnWithEverysec_IsDurable_AndWithAppendFsyncNo_IsNot()
    {
        await using var server = await ThrowawayRedis.StartAsync(Ct);
        await server.ConfigSetAsync("appendfsync", "everysec");
        await server.ConfigSetAsync("appendonly", "yes");

        var everysec = await RedisDurabilityAsync(server.Configuration);
        await server.ConfigSetAsync("appendfsync", "no");
        var no = await RedisDurabilityAsync(server.Configuration);

        Assert.True(everysec.IsDurable, string.Join("; ", everysec.Findings));
        Assert.Equal(("yes", "everysec"), (everysec.Settings["appendonly"], everysec.Settings["appendfsync"]));
        Assert.Contains("1 s", everysec.Window, StringComparison.Ordinal);
        Assert.Equal(("appendfsync", "no"), (Assert.Single(no.Findings).Setting, no.Findings[0].Value));
    }

    [Fact]
    public async Task PostgreSql_DefaultSession_HasSynchronousCommitOn()
    {
        var reading = await PostgreSqlDurabilityAsync(TestServers.PostgreSql);

        Assert.Equal("on", reading.Settings["synchronous_commit"]);
        Assert.DoesNotContain(reading.Findings, finding => finding.Setting == "synchronous_commit");
    }

    [Fact]
    public async Task PostgreSql_SessionWithSynchronousCommitOff_ReportsAFatalFinding()
    {
        var reading = await PostgreSqlDurabilityAsync(TestServers.PostgreSql + ";Options=-c synchronous_commit=off");

        var finding = Assert.Single(reading.Findings, finding => finding.Setting == "synchronous_commit");
        Assert.Equal(("off", true), (finding.Value, finding.Fatal));
    }

    [Fact]
    public async Task PostgreSql_DatabaseWithSynchronousCommitOff_ReportsAFatalFinding()
    {
        var database = $"durability_{Guid.NewGuid():N}";
        await AdminAsync($"CREATE DATABASE {database};");
        try
        {
            await AdminAsync($"ALTER DATABASE {database} SET synchronous_commit = off;");
            var connectionString = new NpgsqlConnectionStringBuilder(TestServers.PostgreSql) { Database = database }.ConnectionString;

            var reading = await PostgreSqlDurabilityAsync(connectionString);

            Assert.True(Assert.Single(reading.Findings, finding => finding.Setting == "synchronous_commit").Fatal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE);");
        }
    }

    private static async Task<StorageDurability> RedisDurabilityAsync(string configuration)
    {
        await using var provider = new ServiceCollection()
            .AddRedisStorage(options => options.Configuration = configuration)
            .BuildServiceProvider();
        return await provider.GetRequiredService<IStorageDurability>().CheckAsync(Ct);
    }

    private static async Task<StorageDurability> PostgreSqlDurabilityAsync(string connectionString)
    {
        await using var provider = new ServiceCollection()
            .AddPostgreSqlStorage(options => options.ConnectionString = connectionString)
            .BuildServiceProvider();
        return await provider.GetRequiredService<IStorageDurability>().CheckAsync(Ct);
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServers.PostgreSql + ";Pooling=false");
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
