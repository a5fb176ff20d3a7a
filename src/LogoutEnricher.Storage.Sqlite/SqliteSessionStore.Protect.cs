using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Moving mappings written before hashing (sid and sub in clear) to their protected form.</summary>
internal sealed partial class SqliteSessionStore
{
    private const string ListUnprotectedSql = """
        SELECT issuer, client_id, sid, sub FROM sessions WHERE protected_sid IS NULL LIMIT $max;
        """;

    // Note: each statement reads the old row itself, so a row another process moved first moves nothing; a mapping
    // already at the new key (captured since the upgrade) is merged into as an add would.
    private const string ProtectSql = """
        INSERT INTO sessions (issuer, client_id, sid, sub, expires_at, protected_sid, protected_sub)
        SELECT issuer, client_id, $new_sid, $new_sub, expires_at, $protected_sid, $protected_sub FROM sessions
        WHERE issuer = $issuer AND client_id = $client AND sid = $sid AND protected_sid IS NULL
        ON CONFLICT (issuer, client_id, sid) DO UPDATE SET
            expires_at = MAX(sessions.expires_at, excluded.expires_at),
            sub = COALESCE(sessions.sub, excluded.sub),
            protected_sub = COALESCE(sessions.protected_sub, excluded.protected_sub);
        INSERT INTO app_sessions (issuer, client_id, sid, handle, protected_id, host, captured_at)
        SELECT a.issuer, a.client_id, $new_sid, a.handle, a.protected_id, a.host, a.captured_at FROM app_sessions a
        JOIN sessions s ON s.issuer = a.issuer AND s.client_id = a.client_id AND s.sid = a.sid AND s.protected_sid IS NULL
        WHERE a.issuer = $issuer AND a.client_id = $client AND a.sid = $sid
        ON CONFLICT (issuer, client_id, sid, handle) DO UPDATE SET captured_at = MAX(app_sessions.captured_at, excluded.captured_at);
        DELETE FROM sessions WHERE issuer = $issuer AND client_id = $client AND sid = $sid AND protected_sid IS NULL;
        """;

    private volatile bool _protectedSome;

    public async Task<IReadOnlyList<UnprotectedSession>> ListUnprotectedAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        var rows = await connections.ReadAsync(ListUnprotectedSql, maxCount, DbRows.UnprotectedSession, "list session mappings stored in clear", cancellationToken);
        if (rows.Count == 0 && _protectedSome)
        {
            // Note: secure_delete zeroed the old rows' cells in the file, but the write-ahead log still holds earlier
            // images of their pages until it is checkpointed and truncated.
            _protectedSome = false;
            await TruncateWriteAheadLogAsync(cancellationToken);
        }

        return rows;
    }

    public async Task ProtectAsync(UnprotectedSession existing, SessionKey key, string? subject, ProtectedIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(identity);
        try
        {
            await using var write = await writes.BeginAsync(cancellationToken);
            await using (var command = Command(write.Connection, write.Transaction, existing.Key, ProtectSql))
            {
                command.Parameters.AddWithValue("$new_sid", key.Sid);
                command.Parameters.AddWithValue("$new_sub", (object?)subject ?? DBNull.Value);
                command.Parameters.AddWithValue("$protected_sid", identity.Sid);
                command.Parameters.AddWithValue("$protected_sub", (object?)identity.Subject ?? DBNull.Value);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await write.CommitAsync();
            _protectedSome = true;
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("protect a session mapping stored in clear", ex);
        }
    }

    private async Task TruncateWriteAheadLogAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("truncate the write-ahead log", ex);
        }
    }
}
