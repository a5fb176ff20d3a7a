using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>
/// Deletes expired rows a batch at a time. Note: each batch is its own short transaction, so a large purge never
/// holds the single SQLite write lock long enough to stall logouts and captures.
/// </summary>
internal static class SqliteBatchDelete
{
    public const int BatchSize = 1000;

    /// <summary>
    /// Runs <paramref name="sql"/> (a DELETE of at most <see cref="BatchSize"/> rows, parameters <c>$now</c> and
    /// <c>$batch</c>) until a batch deletes fewer rows; returns the total deleted.
    /// </summary>
    public static async Task<int> RunAsync(SqliteConnectionFactory connections, string sql, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$now", now.ToUnixMs());
        command.Parameters.AddWithValue("$batch", BatchSize);

        var total = 0;
        int deleted;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == BatchSize);

        return total;
    }
}
