using LogoutEnricher.Storage.Relational;
using Npgsql;
using NpgsqlTypes;
using static LogoutEnricher.Storage.PostgreSql.NpgsqlParameters;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>
/// Session mappings in <c>sessions</c> and <c>app_sessions</c>. Each write is one batch: one round trip, run by
/// PostgreSQL as one implicit transaction, with the sessions row locked first so concurrent writers queue on it.
/// </summary>
internal sealed partial class PostgreSqlSessionStore(PostgreSqlDatabase database, TimeProvider time) : ISessionRecordStore
{
    public const int PurgeBatchSize = 1000;

    // Note: an expired but unpurged mapping must not come back to life with its old app sessions: it goes first.
    private const string DeleteIfExpiredSql = """
        DELETE FROM sessions WHERE issuer = $1 AND client_id = $2 AND sid = $3 AND expires_at <= $4;
        """;

    private const string UpsertSql = """
        WITH s AS (
            INSERT INTO sessions (issuer, client_id, sid, sub, expires_at, protected_sid, protected_sub)
            VALUES ($1, $2, $3, $4, $5, $10, $11)
            ON CONFLICT (issuer, client_id, sid) DO UPDATE SET
                expires_at = GREATEST(sessions.expires_at, excluded.expires_at),
                sub = COALESCE(excluded.sub, sessions.sub),
                protected_sid = excluded.protected_sid,
                protected_sub = COALESCE(excluded.protected_sub, sessions.protected_sub)
            RETURNING id)
        INSERT INTO app_sessions (session_id, handle, protected_id, host, captured_at)
        SELECT s.id, a.handle, a.protected_id, a.host, $9 FROM s, unnest($6::text[], $7::text[], $8::text[]) AS a (handle, protected_id, host)
        ON CONFLICT (session_id, handle) DO UPDATE SET captured_at = GREATEST(app_sessions.captured_at, excluded.captured_at);
        """;

    // Note: the lock comes first and the deletes are separate statements, so that (read committed) they see every
    // app session a concurrent add committed while this batch waited for the lock; none is deleted unseen.
    private const string LockSql = "SELECT id FROM sessions WHERE issuer = $1 AND client_id = $2 AND sid = $3 FOR UPDATE;";

    private const string DeleteAppSessionsSql = """
        DELETE FROM app_sessions a USING sessions s
        WHERE a.session_id = s.id AND s.issuer = $1 AND s.client_id = $2 AND s.sid = $3 AND a.handle = ANY($4);
        """;

    private const string DeleteIfEmptySql = """
        DELETE FROM sessions s WHERE s.issuer = $1 AND s.client_id = $2 AND s.sid = $3
            AND NOT EXISTS (SELECT 1 FROM app_sessions a WHERE a.session_id = s.id);
        """;

    // Note: SKIP LOCKED leaves rows a writer holds to the next batch, so the purge never waits on a capture.
    private const string PurgeSql = """
        DELETE FROM sessions WHERE id IN (
            SELECT id FROM sessions WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED);
        """;

    public Task AddAsync(SessionKey key, string? subject, ProtectedIdentity identity, IReadOnlyCollection<AppSession> sessions, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(sessions);
        var unique = sessions.DistinctBy(session => session.Handle, StringComparer.Ordinal).ToArray();
        return database.RunAsync("add a session mapping", async connection =>
        {
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(Command(DeleteIfExpiredSql, [.. KeyParameters(key), Value(time.NowMs())]));
            batch.BatchCommands.Add(Command(UpsertSql,
            [
                .. KeyParameters(key),
                NullableText(subject),
                Value(expiresAt.ToUnixMs()),
                Value(unique.Select(s => s.Handle).ToArray()),
                Value(unique.Select(s => s.ProtectedId).ToArray()),
                Value(unique.Select(s => s.Host).ToArray()),
                Value(time.NowMs()),
                Value(identity.Sid),
                NullableText(identity.Subject),
            ]));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public Task RemoveAsync(SessionKey key, IReadOnlyCollection<string> sessionHandles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionHandles);
        return database.RunAsync("remove application sessions", async connection =>
        {
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(Command(LockSql, KeyParameters(key)));
            batch.BatchCommands.Add(Command(DeleteAppSessionsSql, [.. KeyParameters(key), Value(sessionHandles.ToArray())]));
            batch.BatchCommands.Add(Command(DeleteIfEmptySql, KeyParameters(key)));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        PostgreSqlBatchDelete.RunAsync(database, PurgeSql, now, "purge expired session mappings", cancellationToken);

    private static NpgsqlParameter NullableText(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter[] KeyParameters(SessionKey key) => [Value(key.Issuer), Value(key.ClientId), Value(key.Sid)];
}
