using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Session mappings in the <c>sessions</c> and <c>app_sessions</c> tables; reads are in the other part.</summary>
internal sealed partial class SqliteSessionStore(SqliteConnectionFactory connections, SqliteGroupCommit writes, TimeProvider time) : ISessionRecordStore
{
    // Note: a mapping that expired but was not purged yet must not come back to life with its old app sessions,
    // so it is deleted (cascading to app_sessions) before the upsert.
    private const string DeleteIfExpiredSql = """
        DELETE FROM sessions WHERE issuer = $issuer AND client_id = $client AND sid = $sid AND expires_at <= $now;
        """;

    private const string UpsertSessionSql = """
        INSERT INTO sessions (issuer, client_id, sid, sub, expires_at, protected_sid, protected_sub)
        VALUES ($issuer, $client, $sid, $sub, $expires, $protected_sid, $protected_sub)
        ON CONFLICT (issuer, client_id, sid) DO UPDATE SET
            expires_at = MAX(sessions.expires_at, excluded.expires_at),
            sub = COALESCE(excluded.sub, sessions.sub),
            protected_sid = excluded.protected_sid,
            protected_sub = COALESCE(excluded.protected_sub, sessions.protected_sub);
        """;

    // Note: a session captured again (a refresh) keeps its id and host but moves its capture time forward: a
    // notBefore push ends only sessions whose latest tokens predate it.
    private const string InsertAppSessionSql = """
        INSERT INTO app_sessions (issuer, client_id, sid, handle, protected_id, host, captured_at)
        VALUES ($issuer, $client, $sid, $handle, $protected, $host, $now)
        ON CONFLICT (issuer, client_id, sid, handle) DO UPDATE SET captured_at = MAX(app_sessions.captured_at, excluded.captured_at);
        """;

    private const string DeleteAppSessionSql = """
        DELETE FROM app_sessions WHERE issuer = $issuer AND client_id = $client AND sid = $sid AND handle = $handle;
        """;

    private const string DeleteIfEmptySql = """
        DELETE FROM sessions WHERE issuer = $issuer AND client_id = $client AND sid = $sid
            AND NOT EXISTS (SELECT 1 FROM app_sessions a
                            WHERE a.issuer = $issuer AND a.client_id = $client AND a.sid = $sid);
        """;

    private const string PurgeSql = """
        DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE expires_at <= $now LIMIT $batch);
        """;

    public async Task AddAsync(SessionKey key, string? subject, ProtectedIdentity identity, IReadOnlyCollection<AppSession> sessions, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(sessions);
        try
        {
            // Note: the write shares a group commit's transaction (one fsync for concurrent writers), in a savepoint
            // of its own; CommitAsync returns once it is durable.
            await using var write = await writes.BeginAsync(cancellationToken);
            var upsert = Command(write, key, DeleteIfExpiredSql + UpsertSessionSql);
            upsert.Parameters.AddWithValue("$now", time.NowMs());
            upsert.Parameters.AddWithValue("$sub", (object?)subject ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$expires", expiresAt.ToUnixMs());
            upsert.Parameters.AddWithValue("$protected_sid", identity.Sid);
            upsert.Parameters.AddWithValue("$protected_sub", (object?)identity.Subject ?? DBNull.Value);
            await upsert.ExecuteNonQueryAsync(cancellationToken);

            var insert = Command(write, key, InsertAppSessionSql);
            insert.Parameters.AddWithValue("$now", time.NowMs());
            var handle = insert.Parameters.Add("$handle", SqliteType.Text);
            var protectedId = insert.Parameters.Add("$protected", SqliteType.Text);
            var host = insert.Parameters.Add("$host", SqliteType.Text);
            foreach (var session in sessions)
            {
                handle.Value = session.Handle;
                protectedId.Value = session.ProtectedId;
                host.Value = (object?)session.Host ?? DBNull.Value;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await write.CommitAsync();
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("add a session mapping", ex);
        }
    }

    public async Task RemoveAsync(SessionKey key, IReadOnlyCollection<string> sessionHandles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionHandles);
        try
        {
            await using var write = await writes.BeginAsync(cancellationToken);
            var delete = Command(write, key, DeleteAppSessionSql);
            var handle = delete.Parameters.Add("$handle", SqliteType.Text);
            foreach (var sessionHandle in sessionHandles)
            {
                handle.Value = sessionHandle;
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            await Command(write, key, DeleteIfEmptySql).ExecuteNonQueryAsync(cancellationToken);

            await write.CommitAsync();
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("remove application sessions", ex);
        }
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        try
        {
            // Note: sqlite3_changes counts the sessions rows only, not the app_sessions rows the cascade deletes.
            return await SqliteBatchDelete.RunAsync(connections, PurgeSql, now, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("purge expired session mappings", ex);
        }
    }

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, SessionKey key, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Bind(command, key);
    }

    /// <summary>The write's prepared statement <paramref name="sql"/>, bound to <paramref name="key"/> (never disposed: the group commit owns it).</summary>
    private static SqliteCommand Command(SqliteGroupCommit.SqliteWrite write, SessionKey key, string sql) => Bind(write.Command(sql), key);

    private static SqliteCommand Bind(SqliteCommand command, SessionKey key)
    {
        command.Parameters.AddWithValue("$issuer", key.Issuer);
        command.Parameters.AddWithValue("$client", key.ClientId);
        command.Parameters.AddWithValue("$sid", key.Sid);
        return command;
    }
}
