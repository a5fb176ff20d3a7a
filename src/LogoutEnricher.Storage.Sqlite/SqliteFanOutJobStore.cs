using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Fan-out jobs in the <c>fan_out_jobs</c> table.</summary>
internal sealed class SqliteFanOutJobStore(SqliteConnectionFactory connections, TimeProvider time) : IFanOutJobStore
{
    private const string Columns = DbRows.FanOutJobColumns;

    private const string InsertSql = """
        INSERT OR IGNORE INTO fan_out_jobs (id, issuer, client_id, action, action_id, not_before, captured_before, created_at, state, cursor, sessions, error, updated_at)
        VALUES ($id, $issuer, $client, $action, $action_id, $not_before, $captured_before, $created, 0, NULL, 0, NULL, $created);
        """;

    // Note: one UPDATE picks and claims the job; SQLite's single writer makes it atomic across processes.
    private const string LeaseSql = $"""
        UPDATE fan_out_jobs SET lease_owner = $owner, lease_until = $until
        WHERE id = (SELECT id FROM fan_out_jobs WHERE state = 0 AND (lease_until IS NULL OR lease_until <= $now)
                    ORDER BY created_at, id LIMIT 1)
        RETURNING {Columns};
        """;

    private const string AdvanceSql = """
        UPDATE fan_out_jobs SET cursor = $cursor, sessions = $sessions, updated_at = $now, lease_until = $until
        WHERE id = $id AND state = 0 AND lease_owner = $owner AND lease_until > $now;
        """;

    private const string FinishSql = """
        UPDATE fan_out_jobs SET state = $state, error = $error, updated_at = $now, lease_owner = NULL, lease_until = NULL
        WHERE id = $id AND state = 0 AND lease_owner = $owner AND lease_until > $now;
        """;

    private const string FindSql = $"SELECT {Columns} FROM fan_out_jobs WHERE id = $id;";

    private const string ListSql = $"SELECT {Columns} FROM fan_out_jobs ORDER BY created_at DESC, id DESC LIMIT $max;";

    private const string CountSql = "SELECT state, COUNT(*) FROM fan_out_jobs GROUP BY state;";

    private const string PurgeSql = "DELETE FROM fan_out_jobs WHERE state <> 0 AND updated_at < $before;";

    public Task<bool> TryCreateAsync(FanOutJob job, CancellationToken cancellationToken = default) =>
        RunAsync("create a fan-out job", InsertSql, command =>
        {
            command.Parameters.AddWithValue("$id", job.Id);
            command.Parameters.AddWithValue("$issuer", job.Issuer);
            command.Parameters.AddWithValue("$client", job.ClientId);
            command.Parameters.AddWithValue("$action", job.Action);
            command.Parameters.AddWithValue("$action_id", job.ActionId);
            command.Parameters.AddWithValue("$not_before", job.NotBefore);
            command.Parameters.AddWithValue("$captured_before", job.CapturedBefore.ToUnixMs());
            command.Parameters.AddWithValue("$created", job.CreatedAt.ToUnixMs());
        }, async c => await c.ExecuteNonQueryAsync(cancellationToken) == 1, cancellationToken);

    public Task<FanOutJob?> LeaseAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken = default) =>
        RunAsync("lease a fan-out job", LeaseSql, command =>
        {
            var now = time.GetUtcNow();
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$now", now.ToUnixMs());
            command.Parameters.AddWithValue("$until", (now + leaseDuration).ToUnixMs());
        }, ReadOneAsync, cancellationToken);

    public Task<bool> AdvanceAsync(string id, string owner, string cursor, long sessions, TimeSpan leaseDuration, CancellationToken cancellationToken = default) =>
        RunAsync("advance a fan-out job", AdvanceSql, command =>
        {
            var now = time.GetUtcNow();
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$cursor", cursor);
            command.Parameters.AddWithValue("$sessions", sessions);
            command.Parameters.AddWithValue("$now", now.ToUnixMs());
            command.Parameters.AddWithValue("$until", (now + leaseDuration).ToUnixMs());
        }, async c => await c.ExecuteNonQueryAsync(cancellationToken) == 1, cancellationToken);

    public Task<bool> FinishAsync(string id, string owner, FanOutJobState state, string? error, CancellationToken cancellationToken = default) =>
        RunAsync("finish a fan-out job", FinishSql, command =>
        {
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$state", (int)state);
            command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
            command.Parameters.AddWithValue("$now", time.NowMs());
        }, async c => await c.ExecuteNonQueryAsync(cancellationToken) == 1, cancellationToken);

    public Task<FanOutJob?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        RunAsync("find a fan-out job", FindSql, command => command.Parameters.AddWithValue("$id", id), ReadOneAsync, cancellationToken);

    public Task<IReadOnlyList<FanOutJob>> ListAsync(int maxCount, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<FanOutJob>>("list fan-out jobs", ListSql, command => command.Parameters.AddWithValue("$max", maxCount), async c =>
        {
            await using var reader = await c.ExecuteReaderAsync(cancellationToken);
            return await DbRows.ReadAllAsync(reader, DbRows.FanOutJob, cancellationToken);
        }, cancellationToken);

    public Task<FanOutJobCounts> CountAsync(CancellationToken cancellationToken = default) =>
        RunAsync("count fan-out jobs", CountSql, _ => { }, async c =>
        {
            await using var reader = await c.ExecuteReaderAsync(cancellationToken);
            return await DbRows.FanOutJobCountsAsync(reader, cancellationToken);
        }, cancellationToken);

    public Task<int> PurgeFinishedAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        RunAsync("purge finished fan-out jobs", PurgeSql, command => command.Parameters.AddWithValue("$before", before.ToUnixMs()),
            c => c.ExecuteNonQueryAsync(cancellationToken), cancellationToken);

    private static async Task<FanOutJob?> ReadOneAsync(SqliteCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? DbRows.FanOutJob(reader) : null;
    }

    private async Task<T> RunAsync<T>(string operation, string sql, Action<SqliteCommand> bind, Func<SqliteCommand, Task<T>> run, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            return await run(command);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap(operation, ex);
        }
    }
}
