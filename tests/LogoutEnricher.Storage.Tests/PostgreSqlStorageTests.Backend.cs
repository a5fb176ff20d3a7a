using LogoutEnricher.Storage.PostgreSql;
using LogoutEnricher.Storage.Relational;
using LogoutEnricher.Testing;
using Npgsql;

namespace LogoutEnricher.Storage.Tests;

public sealed partial class PostgreSqlStorageTests
{
    [Fact]
    public async Task InitializeAsync_FourReplicasAtOnce_RecordEachMigrationOnce()
    {
        var replicas = Enumerable.Range(0, 4).Select(_ => Open(Time, TestServers.PostgreSql, _schema)).ToArray();

        await Task.WhenAll(replicas.Select(replica => Task.Run(() => replica.Initializer.InitializeAsync(Ct), Ct)));
        foreach (var replica in replicas)
        {
            await replica.Services.Sessions.FindAsync(The.Key, Ct);
        }

        Assert.Equal([.. PostgreSqlStorageInitializer.Migrations.Select(m => (long)m.Version)], await QueryAsync("SELECT version FROM schema_migrations ORDER BY version;"));
    }

    [Fact]
    public async Task PurgeExpiredAsync_MoreThanOneBatch_DeletesEveryMappingAndItsAppSessions()
    {
        var count = (2 * PostgreSqlBatchDelete.BatchSize) + 1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < count; i += 8)
            {
                await AddAsync(new SessionKey(The.Issuer, The.ClientId, $"sid-{i}"), The.ExpiresAt, The.AppSession, The.OtherAppSession);
            }
        }, Ct)));

        Time.Advance(The.SessionLifetime + TimeSpan.FromSeconds(1));

        Assert.Equal(count, await Sessions.PurgeExpiredAsync(Time.GetUtcNow(), Ct));
        Assert.Equal([0L], await QueryAsync("SELECT COUNT(*) FROM app_sessions;"));
    }

    [Fact]
    public async Task FindAsync_TenThousandMappings_UsesTheUniqueKeyIndex()
    {
        await ExecuteAsync("""
            INSERT INTO sessions (issuer, client_id, sid, sub, expires_at)
            SELECT 'https://sso.example.test/realms/acme', 'orders-app', 'sid-' || n, 'user-' || n, 9999999999999 FROM generate_series(1, 10000) n;
            ANALYZE sessions;
            """);

        var plan = string.Join('\n', await QueryTextAsync("EXPLAIN SELECT * FROM sessions WHERE issuer = 'x' AND client_id = 'y' AND sid = 'z';"));
        var subjectPlan = string.Join('\n', await QueryTextAsync("EXPLAIN SELECT * FROM sessions WHERE issuer = 'x' AND client_id = 'y' AND sub = 'z';"));

        Assert.Contains("ux_sessions_key", plan, StringComparison.Ordinal);
        Assert.Contains("ix_sessions_subject", subjectPlan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stores_ServerUnreachable_ThrowStorageUnavailableWithoutIds()
    {
        Assert.NotEmpty(TestServers.PostgreSql);
        var unreachable = Open(Time, "Host=127.0.0.1;Port=1;Username=postgres;Timeout=2", _schema);
        await using var owner = unreachable.Services;

        var add = await Assert.ThrowsAsync<StorageUnavailableException>(() => unreachable.Services.Sessions.AddAsync(The.Key, The.Subject, [The.AppSession], The.ExpiresAt, Ct));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => unreachable.Services.ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => unreachable.Services.Health.PingAsync(Ct));

        Assert.DoesNotContain(The.Sid, add.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(The.Subject, add.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutboxFindOldestPendingAsync_QueryPlan_UsesTheClientIndexAndSortsNothing()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1)], Ct);
        await using var connection = await OpenSchemaConnectionAsync();
        // Note: a table of one row is cheaper to scan; with scans priced out the plan shows whether the index serves.
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off;", connection))
        {
            await off.ExecuteNonQueryAsync(Ct);
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + PostgreSqlOutboxStore.OldestPendingSql, connection);
        explain.Parameters.Add(new NpgsqlParameter<string> { TypedValue = The.Issuer });
        explain.Parameters.Add(new NpgsqlParameter<string> { TypedValue = The.ClientId });
        await using var reader = await explain.ExecuteReaderAsync(Ct);
        var plan = await DbRows.ReadAllAsync(reader, row => row.GetString(0), Ct);

        Assert.Contains(plan, step => step.Contains("ix_outbox_client_pending", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("Sort", StringComparison.Ordinal) || step.Contains("Seq Scan", StringComparison.Ordinal));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenSchemaConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<List<long>> QueryAsync(string sql) =>
        [.. (await QueryTextAsync(sql)).Select(value => long.Parse(value, System.Globalization.CultureInfo.InvariantCulture))];

    private async Task<List<string>> QueryTextAsync(string sql)
    {
        await using var connection = await OpenSchemaConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        return await DbRows.ReadAllAsync(reader, row => Convert.ToString(row.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!, Ct);
    }

    private async Task<NpgsqlConnection> OpenSchemaConnectionAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestServers.PostgreSql) { SearchPath = _schema, Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }
}
