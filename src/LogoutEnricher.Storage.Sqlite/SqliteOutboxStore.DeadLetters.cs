using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

internal sealed partial class SqliteOutboxStore
{
    private const string DeadLetterSql = """
        UPDATE outbox SET attempts = $attempts, dead_at = $now, dead_reason = $reason, lease_owner = NULL, lease_until = NULL
        WHERE id = $id;
        """;

    private const string ListDeadSql = $"""
        SELECT {Columns}, dead_reason, dead_at FROM outbox WHERE dead_at IS NOT NULL ORDER BY dead_at, id LIMIT $max;
        """;

    private const string RetrySql = """
        UPDATE outbox SET dead_at = NULL, dead_reason = NULL, next_attempt_at = $now, lease_owner = NULL, lease_until = NULL
        WHERE id = $id AND dead_at IS NOT NULL;
        """;

    private const string CountSql = """
        SELECT COUNT(*) FILTER (WHERE dead_at IS NULL), COUNT(*) FILTER (WHERE dead_at IS NOT NULL) FROM outbox;
        """;

    // Note: the predicate repeats the partial index's (dead_at IS NULL), so this is a seek on ix_outbox_client_pending.
    internal const string OldestPendingSql = $"""
        SELECT {Columns} FROM outbox WHERE issuer = $issuer AND client_id = $client AND dead_at IS NULL
        ORDER BY created_at, id LIMIT 1;
        """;

    public Task DeadLetterAsync(string id, int attempts, string reason, CancellationToken cancellationToken = default) =>
        ExecuteAsync(DeadLetterSql, "move an outbox entry to the dead letters", cancellationToken,
            ("$id", id), ("$attempts", attempts), ("$reason", reason), ("$now", time.NowMs()));

    public async Task<bool> RetryDeadLetterAsync(string id, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(RetrySql, "retry a dead letter", cancellationToken, ("$id", id), ("$now", time.NowMs())) == 1;

    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int maxCount, CancellationToken cancellationToken = default) =>
        await connections.ReadAsync(ListDeadSql, maxCount, DbRows.DeadLetter, "list the dead letters", cancellationToken);

    public async Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = CountSql;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new OutboxCounts(reader.GetInt64(0), reader.GetInt64(1));
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("count the outbox", ex);
        }
    }

    public async Task<OutboxEntry?> FindOldestPendingAsync(string issuer, string clientId, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = OldestPendingSql;
            command.Parameters.AddWithValue("$issuer", issuer);
            command.Parameters.AddWithValue("$client", clientId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? DbRows.OutboxEntry(reader) : null;
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("find the oldest pending outbox entry", ex);
        }
    }
}
