using LogoutEnricher.Storage.Relational;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>
/// Deletes expired rows a batch at a time, each batch its own short transaction, so a purge of millions of rows never
/// holds locks for long nor bloats one transaction.
/// </summary>
internal static class PostgreSqlBatchDelete
{
    public const int BatchSize = 1000;

    /// <summary>Runs <paramref name="sql"/> (parameters: $1 now, $2 batch size) until a batch deletes fewer rows.</summary>
    public static Task<int> RunAsync(PostgreSqlDatabase database, string sql, DateTimeOffset now, string operation, CancellationToken cancellationToken) =>
        database.RunAsync(operation, async connection =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.With(now.ToUnixMs()).With(BatchSize);
            var total = 0;
            int deleted;
            do
            {
                deleted = await command.ExecuteNonQueryAsync(cancellationToken);
                total += deleted;
            }
            while (deleted == BatchSize);

            return total;
        }, cancellationToken);
}
