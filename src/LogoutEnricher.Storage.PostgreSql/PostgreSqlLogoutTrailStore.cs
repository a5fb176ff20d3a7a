using LogoutEnricher.Storage.Relational;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>The logout trail in the <c>trail_logouts</c> and <c>trail_attempts</c> tables (<see cref="TrailSql"/>).</summary>
internal sealed class PostgreSqlLogoutTrailStore(PostgreSqlDatabase database) : ILogoutTrailStore
{
    private static string P(int n) => "$" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task AppendAsync(IReadOnlyList<TrailLogout> logouts, IReadOnlyList<TrailAttempt> attempts, CancellationToken cancellationToken = default)
    {
        if (logouts.Count == 0 && attempts.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.RunAsync("append to the logout trail", async connection =>
        {
            // Note: one batch in one transaction: one round trip and one commit for the whole batch.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var logout in logouts)
            {
                batch.BatchCommands.Add(Command(TrailSql.InsertLogout(P), TrailSql.LogoutValues(logout)));
            }

            foreach (var attempt in attempts)
            {
                batch.BatchCommands.Add(Command(TrailSql.InsertAttempt(P), TrailSql.AttemptValues(attempt)));
            }

            foreach (var id in logouts.Select(l => l.Id).Concat(attempts.Select(a => a.LogoutId)).Distinct(StringComparer.Ordinal))
            {
                batch.BatchCommands.Add(Command(TrailSql.Summarize(P), [id]));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }, cancellationToken);
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
        database.RunAsync("purge the logout trail", async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var ids = new List<string>();
            await using (var select = new NpgsqlCommand(TrailSql.PurgeIds(P), connection, transaction))
            {
                Bind(select.Parameters, [before.ToUnixMs(), maxRecords]);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetString(0));
                }
            }

            await using var batch = new NpgsqlBatch(connection, transaction);
            if (ids.Count > 0)
            {
                batch.BatchCommands.Add(Command(TrailSql.DeleteAttemptsOf(P, ids.Count), [.. ids]));
                batch.BatchCommands.Add(Command(TrailSql.DeleteLogouts(P, ids.Count), [.. ids]));
            }

            batch.BatchCommands.Add(Command(TrailSql.PurgeOldAttempts(P), [before.ToUnixMs()]));
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return ids.Count;
        }, cancellationToken);

    private Task<IReadOnlyList<T>> ReadAsync<T>(string operation, string sql, IReadOnlyList<object?> values, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<T>>(operation, async connection =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            Bind(command.Parameters, values);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }

            return rows;
        }, cancellationToken);

    private static NpgsqlBatchCommand Command(string sql, IReadOnlyList<object?> values)
    {
        var command = new NpgsqlBatchCommand(sql);
        Bind(command.Parameters, values);
        return command;
    }

    private static void Bind(NpgsqlParameterCollection parameters, IReadOnlyList<object?> values)
    {
        foreach (var value in values)
        {
            parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
    }
}
