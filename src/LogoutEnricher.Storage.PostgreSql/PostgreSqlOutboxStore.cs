using LogoutEnricher.Storage.Relational;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>
/// The delivery outbox in the <c>outbox</c> table; dead letters are rows with <c>dead_at</c> set. Leasing is one
/// statement: <c>FOR UPDATE SKIP LOCKED</c> makes concurrent replicas pick disjoint rows without waiting on each other.
/// </summary>
internal sealed partial class PostgreSqlOutboxStore(PostgreSqlDatabase database, TimeProvider time) : IOutboxStore
{
    private const string Columns = DbRows.OutboxColumns;

    private const string InsertSql = $"""
        INSERT INTO outbox ({Columns})
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::int[], $9::bigint[], $10::text[]);
        """;

    private const string LeaseSql = $"""
        UPDATE outbox o SET lease_owner = $1, lease_until = $2
        FROM (SELECT id FROM outbox
              WHERE dead_at IS NULL AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)
              ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) due
        WHERE o.id = due.id
        RETURNING o.id, o.issuer, o.client_id, o.host, o.payload, o.created_at, o.expires_at, o.attempts, o.next_attempt_at, o.last_error;
        """;

    private const string ReleaseLeasesSql = "UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 AND dead_at IS NULL;";

    private const string RescheduleSql = """
        UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4, lease_owner = NULL, lease_until = NULL
        WHERE id = $1 AND dead_at IS NULL;
        """;

    private const string DeadLetterSql = """
        UPDATE outbox SET attempts = $2, dead_reason = $3, dead_at = $4, lease_owner = NULL, lease_until = NULL
        WHERE id = $1 AND dead_at IS NULL;
        """;

    private const string RetrySql = """
        UPDATE outbox SET dead_reason = NULL, dead_at = NULL, next_attempt_at = $2 WHERE id = $1 AND dead_at IS NOT NULL;
        """;

    // Note: one statement, so the entries of one logout are enqueued all or none.
    public Task EnqueueAsync(IReadOnlyCollection<OutboxEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.ExecuteAsync("enqueue deliveries", InsertSql, parameters => parameters
            .With(entries.Select(e => e.Id).ToArray())
            .With(entries.Select(e => e.Issuer).ToArray())
            .With(entries.Select(e => e.ClientId).ToArray())
            .With(entries.Select(e => e.Host).ToArray())
            .With(entries.Select(e => e.Payload).ToArray())
            .With(entries.Select(e => e.CreatedAt.ToUnixMs()).ToArray())
            .With(entries.Select(e => e.ExpiresAt.ToUnixMs()).ToArray())
            .With(entries.Select(e => e.Attempts).ToArray())
            .With(entries.Select(e => e.NextAttemptAt.ToUnixMs()).ToArray())
            .With(entries.Select(e => e.LastError).ToArray()), cancellationToken);
    }

    public Task<int> ReleaseLeasesAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return database.ExecuteAsync("release outbox leases", ReleaseLeasesSql, parameters => parameters.With(owner), cancellationToken);
    }

    public Task<IReadOnlyList<OutboxEntry>> LeaseAsync(string owner, int maxCount, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        return database.RunAsync<IReadOnlyList<OutboxEntry>>("lease deliveries", async connection =>
        {
            await using var command = new NpgsqlCommand(LeaseSql, connection);
            command.Parameters.With(owner).With((now + leaseDuration).ToUnixMs()).With(now.ToUnixMs()).With(maxCount);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var leased = await DbRows.ReadAllAsync(reader, DbRows.OutboxEntry, cancellationToken);

            // RETURNING keeps no order: oldest due first is restored here.
            return [.. leased.OrderBy(e => e.NextAttemptAt).ThenBy(e => e.Id, StringComparer.Ordinal)];
        }, cancellationToken);
    }

    public Task CompleteAsync(string id, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("complete a delivery", "DELETE FROM outbox WHERE id = $1;", parameters => parameters.With(id), cancellationToken);

    public Task RescheduleAsync(string id, int attempts, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("reschedule a delivery", RescheduleSql,
            parameters => parameters.With(id).With(attempts).With(nextAttemptAt.ToUnixMs()).With(lastError), cancellationToken);

    public Task DeadLetterAsync(string id, int attempts, string reason, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("dead-letter a delivery", DeadLetterSql,
            parameters => parameters.With(id).With(attempts).With(reason).With(time.NowMs()), cancellationToken);

    public async Task<bool> RetryDeadLetterAsync(string id, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("retry a dead letter", RetrySql, parameters => parameters.With(id).With(time.NowMs()), cancellationToken) == 1;
}
