using LogoutEnricher.Storage.Relational;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>Fan-out jobs in the <c>fan_out_jobs</c> table.</summary>
internal sealed class PostgreSqlFanOutJobStore(PostgreSqlDatabase database, TimeProvider time) : IFanOutJobStore
{
    private const string Columns = DbRows.FanOutJobColumns;

    private const string InsertSql = """
        INSERT INTO fan_out_jobs (id, issuer, client_id, action, action_id, not_before, captured_before, created_at, state, cursor, sessions, error, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, NULL, 0, NULL, $8)
        ON CONFLICT (id) DO NOTHING;
        """;

    // Note: SKIP LOCKED lets two replicas leasing at once each take a different job, or none, never the same one.
    private const string LeaseSql = $"""
        UPDATE fan_out_jobs SET lease_owner = $1, lease_until = $3
        WHERE id = (SELECT id FROM fan_out_jobs WHERE state = 0 AND (lease_until IS NULL OR lease_until <= $2)
                    ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING {Columns};
        """;

    private const string AdvanceSql = """
        UPDATE fan_out_jobs SET cursor = $3, sessions = $4, updated_at = $5, lease_until = $6
        WHERE id = $1 AND state = 0 AND lease_owner = $2 AND lease_until > $5;
        """;

    private const string FinishSql = """
        UPDATE fan_out_jobs SET state = $3, error = $4, updated_at = $5, lease_owner = NULL, lease_until = NULL
        WHERE id = $1 AND state = 0 AND lease_owner = $2 AND lease_until > $5;
        """;

    public async Task<bool> TryCreateAsync(FanOutJob job, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("create a fan-out job", InsertSql, p => p
            .With(job.Id).With(job.Issuer).With(job.ClientId).With(job.Action).With(job.ActionId).With(job.NotBefore)
            .With(job.CapturedBefore.ToUnixMs()).With(job.CreatedAt.ToUnixMs()), cancellationToken) == 1;

    public Task<FanOutJob?> LeaseAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        return QueryOneAsync("lease a fan-out job", LeaseSql, p => p.With(owner).With(now.ToUnixMs()).With((now + leaseDuration).ToUnixMs()), cancellationToken);
    }

    public async Task<bool> AdvanceAsync(string id, string owner, string cursor, long sessions, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        return await database.ExecuteAsync("advance a fan-out job", AdvanceSql, p => p
            .With(id).With(owner).With(cursor).With(sessions).With(now.ToUnixMs()).With((now + leaseDuration).ToUnixMs()), cancellationToken) == 1;
    }

    public async Task<bool> FinishAsync(string id, string owner, FanOutJobState state, string? error, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("finish a fan-out job", FinishSql, p =>
        {
            p.With(id).With(owner).With((int)state);
            p.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            p.With(time.NowMs());
        }, cancellationToken) == 1;

    public Task<FanOutJob?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        QueryOneAsync("find a fan-out job", $"SELECT {Columns} FROM fan_out_jobs WHERE id = $1;", p => p.With(id), cancellationToken);

    public Task<IReadOnlyList<FanOutJob>> ListAsync(int maxCount, CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<FanOutJob>>("list fan-out jobs", async connection =>
        {
            await using var command = new NpgsqlCommand($"SELECT {Columns} FROM fan_out_jobs ORDER BY created_at DESC, id DESC LIMIT $1;", connection);
            command.Parameters.With(maxCount);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.ReadAllAsync(reader, DbRows.FanOutJob, cancellationToken);
        }, cancellationToken);

    public Task<FanOutJobCounts> CountAsync(CancellationToken cancellationToken = default) =>
        database.RunAsync("count fan-out jobs", async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT state, COUNT(*) FROM fan_out_jobs GROUP BY state;", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.FanOutJobCountsAsync(reader, cancellationToken);
        }, cancellationToken);

    public Task<int> PurgeFinishedAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("purge finished fan-out jobs", "DELETE FROM fan_out_jobs WHERE state <> 0 AND updated_at < $1;", p => p.With(before.ToUnixMs()), cancellationToken);

    private Task<FanOutJob?> QueryOneAsync(string operation, string sql, Action<NpgsqlParameterCollection> parameters, CancellationToken cancellationToken) =>
        database.RunAsync(operation, async connection =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            parameters(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? DbRows.FanOutJob(reader) : null;
        }, cancellationToken);
}
