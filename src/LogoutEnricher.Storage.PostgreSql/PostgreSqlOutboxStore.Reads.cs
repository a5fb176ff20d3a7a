using LogoutEnricher.Storage.Relational;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

internal sealed partial class PostgreSqlOutboxStore
{
    private const string ListDeadSql = $"""
        SELECT {Columns}, dead_reason, dead_at FROM outbox WHERE dead_at IS NOT NULL ORDER BY dead_at, id LIMIT $1;
        """;

    private const string CountSql = """
        SELECT count(*) FILTER (WHERE dead_at IS NULL), count(*) FILTER (WHERE dead_at IS NOT NULL) FROM outbox;
        """;

    // Note: the predicate repeats the partial index's (dead_at IS NULL), so this is a seek on ix_outbox_client_pending.
    internal const string OldestPendingSql = $"""
        SELECT {Columns} FROM outbox WHERE issuer = $1 AND client_id = $2 AND dead_at IS NULL ORDER BY created_at, id LIMIT 1;
        """;

    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int maxCount, CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<DeadLetter>>("list dead letters", async connection =>
        {
            await using var command = new NpgsqlCommand(ListDeadSql, connection);
            command.Parameters.With(Math.Max(0, maxCount));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.ReadAllAsync(reader, DbRows.DeadLetter, cancellationToken);
        }, cancellationToken);

    public Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default) =>
        database.RunAsync("count deliveries", async connection =>
        {
            await using var command = new NpgsqlCommand(CountSql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new OutboxCounts(reader.GetInt64(0), reader.GetInt64(1));
        }, cancellationToken);

    public Task<OutboxEntry?> FindOldestPendingAsync(string issuer, string clientId, CancellationToken cancellationToken = default) =>
        database.RunAsync<OutboxEntry?>("find the oldest pending delivery", async connection =>
        {
            await using var command = new NpgsqlCommand(OldestPendingSql, connection);
            command.Parameters.With(issuer).With(clientId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? DbRows.OutboxEntry(reader) : null;
        }, cancellationToken);
}
