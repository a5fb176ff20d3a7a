using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Session mappings in the <c>sessions</c> and <c>app_sessions</c> tables; reads are in the other part.</summary>
internal sealed partial class SqliteSessionStore(SqliteConnectionFactory connections, TimeProvider time) : ISessionStore
{
    // Note: a mapping that expired but was not purged yet must not come back to life with its old app sessions,
    // so it is deleted (cascading to app_sessions) before the upsert.
    private const string DeleteIfExpiredSql = """
        DELETE FROM sessions WHERE issuer = $issuer AND client_id = $client AND sid = $sid AND expires_at <= $now;
        """;

    private const string UpsertSessionSql = """
        INSERT INTO sessions (issuer, client_id, sid, sub, expires_at) VALUES ($issuer, $client, $sid, $sub, $expires)
        ON CONFLICT (issuer, client_id, sid) DO UPDATE SET
            expires_at = MAX(sessions.expires_at, excluded.expires_at),
            sub = COALESCE(excluded.sub, sessions.sub);
        """;

    private const string InsertAppSessionSql = """
        INSERT OR IGNORE INTO app_sessions (issuer, client_id, sid, handle, protected_id, host)
        VALUES ($issuer, $client, $sid, $handle, $protected, $host);
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

    public async Task AddAsync(SessionKey key, string? subject, IReadOnlyCollection<AppSession> sessions, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            // Note: BeginTransaction takes the write lock up front (BEGIN IMMEDIATE); a deferred transaction that
            // upgrades from read to write can fail with SQLITE_BUSY without waiting for the busy timeout.
            await using var transaction = connection.BeginTransaction();

            await using (var upsert = Command(connection, transaction, key, DeleteIfExpiredSql + UpsertSessionSql))
            {
                upsert.Parameters.AddWithValue("$now", time.NowMs());
                upsert.Parameters.AddWithValue("$sub", (object?)subject ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$expires", expiresAt.ToUnixMs());
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var insert = Command(connection, transaction, key, InsertAppSessionSql);
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

            await transaction.CommitAsync(cancellationToken);
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
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction();

            await using (var delete = Command(connection, transaction, key, DeleteAppSessionSql))
            {
                var handle = delete.Parameters.Add("$handle", SqliteType.Text);
                foreach (var sessionHandle in sessionHandles)
                {
                    handle.Value = sessionHandle;
                    await delete.ExecuteNonQueryAsync(cancellationToken);
                }
            }

            await using (var deleteIfEmpty = Command(connection, transaction, key, DeleteIfEmptySql))
            {
                await deleteIfEmpty.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
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

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, SessionKey key, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$issuer", key.Issuer);
        command.Parameters.AddWithValue("$client", key.ClientId);
        command.Parameters.AddWithValue("$sid", key.Sid);
        return command;
    }
}
