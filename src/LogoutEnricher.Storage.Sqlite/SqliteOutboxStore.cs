using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>The delivery outbox in the <c>outbox</c> table; reads and dead letters are in the other part.</summary>
internal sealed partial class SqliteOutboxStore(SqliteConnectionFactory connections, SqliteGroupCommit writes, TimeProvider time) : IOutboxStore
{
    private const string Columns = DbRows.OutboxColumns;

    private const string InsertSql = """
        INSERT INTO outbox (id, issuer, client_id, host, payload, created_at, expires_at, attempts, next_attempt_at, last_error)
        VALUES ($id, $issuer, $client, $host, $payload, $created, $expires, $attempts, $next, $error);
        """;

    // Note: one UPDATE both picks and claims the rows. SQLite has a single writer per database, so two replicas
    // sharing the file (or two dispatch loops in one process) can never claim the same row.
    private const string LeaseSql = $"""
        UPDATE outbox SET lease_owner = $owner, lease_until = $until
        WHERE id IN (SELECT id FROM outbox
                     WHERE dead_at IS NULL AND next_attempt_at <= $now AND (lease_until IS NULL OR lease_until <= $now)
                     ORDER BY next_attempt_at, created_at, id LIMIT $max)
        RETURNING {Columns};
        """;

    private const string CompleteSql = "DELETE FROM outbox WHERE id = $id;";

    // Note: lease_until falls back to next_attempt_at (the entry is due as it was when leased); a dead entry keeps none.
    private const string ReleaseLeasesSql = """
        UPDATE outbox SET lease_owner = NULL, lease_until = NULL
        WHERE lease_owner = $owner AND dead_at IS NULL;
        """;

    private const string RescheduleSql = """
        UPDATE outbox SET attempts = $attempts, next_attempt_at = $next, last_error = $error, lease_owner = NULL, lease_until = NULL
        WHERE id = $id AND dead_at IS NULL;
        """;

    public async Task EnqueueAsync(IReadOnlyCollection<OutboxEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        try
        {
            // Note: one savepoint for the logout's entries (in a group commit's transaction), so a crash never leaves
            // half of a fan-out queued.
            await using var write = await writes.BeginAsync(cancellationToken);
            var insert = write.Command(InsertSql);
            foreach (var entry in entries)
            {
                insert.Parameters.Clear();
                Bind(insert, entry);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await write.CommitAsync();
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("enqueue outbox entries", ex);
        }
    }

    public async Task<int> ReleaseLeasesAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = ReleaseLeasesSql;
            command.Parameters.AddWithValue("$owner", owner);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("release outbox leases", ex);
        }
    }

    public async Task<IReadOnlyList<OutboxEntry>> LeaseAsync(string owner, int maxCount, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        try
        {
            await using var write = await writes.BeginAsync(cancellationToken);
            var command = write.Command(LeaseSql);
            var now = time.GetUtcNow();
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$now", now.ToUnixMs());
            command.Parameters.AddWithValue("$until", (now + leaseDuration).ToUnixMs());
            command.Parameters.AddWithValue("$max", maxCount);
            List<OutboxEntry> entries;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                entries = await DbRows.ReadAllAsync(reader, DbRows.OutboxEntry, cancellationToken);
            }

            await write.CommitAsync();
            // Note: RETURNING yields rows in no defined order; the contract is oldest due first.
            return [.. entries.OrderBy(e => e.NextAttemptAt).ThenBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal)];
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("lease outbox entries", ex);
        }
    }

    public Task CompleteAsync(string id, CancellationToken cancellationToken = default) =>
        ExecuteAsync(CompleteSql, "complete an outbox entry", cancellationToken, ("$id", id));

    public Task RescheduleAsync(string id, int attempts, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken = default) =>
        ExecuteAsync(RescheduleSql, "reschedule an outbox entry", cancellationToken,
            ("$id", id), ("$attempts", attempts), ("$next", nextAttemptAt.ToUnixMs()), ("$error", lastError));

    private async Task<int> ExecuteAsync(string sql, string operation, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        try
        {
            await using var write = await writes.BeginAsync(cancellationToken);
            var command = write.Command(sql);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            var changed = await command.ExecuteNonQueryAsync(cancellationToken);
            await write.CommitAsync();
            return changed;
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap(operation, ex);
        }
    }

    private static void Bind(SqliteCommand command, OutboxEntry entry)
    {
        command.Parameters.AddWithValue("$id", entry.Id);
        command.Parameters.AddWithValue("$issuer", entry.Issuer);
        command.Parameters.AddWithValue("$client", entry.ClientId);
        command.Parameters.AddWithValue("$host", (object?)entry.Host ?? DBNull.Value);
        command.Parameters.AddWithValue("$payload", entry.Payload);
        command.Parameters.AddWithValue("$created", entry.CreatedAt.ToUnixMs());
        command.Parameters.AddWithValue("$expires", entry.ExpiresAt.ToUnixMs());
        command.Parameters.AddWithValue("$attempts", entry.Attempts);
        command.Parameters.AddWithValue("$next", entry.NextAttemptAt.ToUnixMs());
        command.Parameters.AddWithValue("$error", (object?)entry.LastError ?? DBNull.Value);
    }
}
