using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>The logout trail in the <c>trail_logouts</c> and <c>trail_attempts</c> tables (<see cref="TrailSql"/>).</summary>
internal sealed class SqliteLogoutTrailStore(SqliteConnectionFactory connections, SqliteGroupCommit writes) : ILogoutTrailStore
{
    /// <summary>Records per write: a write holds the group commit's gate, so a large batch goes in several, interleaved with logouts.</summary>
    private const int RecordsPerWrite = 100;

    private static readonly string InsertLogoutSql = TrailSql.InsertLogout(P);
    private static readonly string InsertAttemptSql = TrailSql.InsertAttempt(P);
    private static readonly string SummarizeSql = TrailSql.Summarize(P);

    private static string P(int n) => "$p" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task AppendAsync(IReadOnlyList<TrailLogout> logouts, IReadOnlyList<TrailAttempt> attempts, CancellationToken cancellationToken = default)
    {
        // Note: each part in one write of the group commit (its own savepoint of a shared transaction, so one fsync
        // with the logouts written meanwhile and never a wait in SQLite's busy handler), its summaries with it.
        foreach (var logoutPart in logouts.Chunk(RecordsPerWrite))
        {
            await WriteAsync(logoutPart, [], cancellationToken);
        }

        foreach (var attemptPart in attempts.Chunk(RecordsPerWrite))
        {
            await WriteAsync([], attemptPart, cancellationToken);
        }
    }

    private async Task WriteAsync(IReadOnlyList<TrailLogout> logouts, IReadOnlyList<TrailAttempt> attempts, CancellationToken cancellationToken)
    {
        try
        {
            await using var write = await writes.BeginAsync(cancellationToken);
            foreach (var logout in logouts)
            {
                await ExecuteAsync(write.Command(InsertLogoutSql), TrailSql.LogoutValues(logout), cancellationToken);
            }

            foreach (var attempt in attempts)
            {
                await ExecuteAsync(write.Command(InsertAttemptSql), TrailSql.AttemptValues(attempt), cancellationToken);
            }

            foreach (var id in logouts.Select(l => l.Id).Concat(attempts.Select(a => a.LogoutId)).Distinct(StringComparer.Ordinal))
            {
                await ExecuteAsync(write.Command(SummarizeSql), [id], cancellationToken);
            }

            await write.CommitAsync();
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("append to the logout trail", ex);
        }
    }

    public Task<IReadOnlyList<TrailLogout>> QueryAsync(TrailQuery query, CancellationToken cancellationToken = default)
    {
        var (sql, values) = TrailSql.Query(query, P);
        return ReadAsync("query the logout trail", sql, values, TrailSql.Logout, cancellationToken);
    }

    public async Task<TrailLogout?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        await ReadAsync("find a logout in the trail", TrailSql.Find(P), [id], TrailSql.Logout, cancellationToken) is [var first, ..] ? first : null;

    public Task<IReadOnlyList<TrailAttempt>> AttemptsAsync(string logoutId, CancellationToken cancellationToken = default) =>
        ReadAsync("read a logout's attempts", TrailSql.Attempts(P), [logoutId], TrailSql.Attempt, cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset before, int maxRecords, CancellationToken cancellationToken = default) =>
        RunAsync("purge the logout trail", async connection =>
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            var ids = new List<string>();
            await using (var select = Command(connection, TrailSql.PurgeIds(P), [before.ToUnixMs(), maxRecords]))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetString(0));
                }
            }

            if (ids.Count > 0)
            {
                await ExecuteAsync(connection, TrailSql.DeleteAttemptsOf(P, ids.Count), [.. ids], cancellationToken);
                await ExecuteAsync(connection, TrailSql.DeleteLogouts(P, ids.Count), [.. ids], cancellationToken);
            }

            await ExecuteAsync(connection, TrailSql.PurgeOldAttempts(P), [before.ToUnixMs()], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return ids.Count;
        }, cancellationToken);

    private Task<IReadOnlyList<T>> ReadAsync<T>(string operation, string sql, IReadOnlyList<object?> values, Func<SqliteDataReader, T> read, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<T>>(operation, async connection =>
        {
            await using var command = Command(connection, sql, values);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }

            return rows;
        }, cancellationToken);

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, IReadOnlyList<object?> values, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql, values);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a prepared statement of the group commit (which owns it) with <paramref name="values"/> as $p1, $p2, ...</summary>
    private static async Task ExecuteAsync(SqliteCommand command, object?[] values, CancellationToken cancellationToken)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue(P(i + 1), values[i] ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, IReadOnlyList<object?> values)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Count; i++)
        {
            command.Parameters.AddWithValue(P(i + 1), values[i] ?? DBNull.Value);
        }

        return command;
    }

    private async Task<T> RunAsync<T>(string operation, Func<SqliteConnection, Task<T>> run, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            return await run(connection);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap(operation, ex);
        }
    }
}
