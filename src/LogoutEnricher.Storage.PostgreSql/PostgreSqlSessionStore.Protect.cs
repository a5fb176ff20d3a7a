using LogoutEnricher.Storage.Relational;
using Npgsql;
using static LogoutEnricher.Storage.PostgreSql.NpgsqlParameters;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>Moving mappings written before hashing (sid and sub in clear) to their protected form.</summary>
internal sealed partial class PostgreSqlSessionStore
{
    private const string ListUnprotectedSql = """
        SELECT issuer, client_id, sid, sub FROM sessions WHERE protected_sid IS NULL ORDER BY id LIMIT $1;
        """;

    // Note: one statement. The old row is locked first: a replica moving it at the same time waits, then finds it gone
    // (read committed re-checks the row) and moves nothing. A mapping already at the new key (captured since the
    // upgrade) is merged into as an add would; deleting the old row cascades to its app sessions, copied before.
    private const string ProtectSql = """
        WITH old AS (
            SELECT id, expires_at FROM sessions
            WHERE issuer = $1 AND client_id = $2 AND sid = $3 AND protected_sid IS NULL FOR UPDATE),
        new AS (
            INSERT INTO sessions (issuer, client_id, sid, sub, expires_at, protected_sid, protected_sub)
            SELECT $1, $2, $4, $5, old.expires_at, $6, $7 FROM old
            ON CONFLICT (issuer, client_id, sid) DO UPDATE SET
                expires_at = GREATEST(sessions.expires_at, excluded.expires_at),
                sub = COALESCE(sessions.sub, excluded.sub),
                protected_sub = COALESCE(sessions.protected_sub, excluded.protected_sub)
            RETURNING id),
        moved AS (
            INSERT INTO app_sessions (session_id, handle, protected_id, host, captured_at)
            SELECT new.id, a.handle, a.protected_id, a.host, a.captured_at FROM new, old JOIN app_sessions a ON a.session_id = old.id
            ON CONFLICT (session_id, handle) DO UPDATE SET captured_at = GREATEST(app_sessions.captured_at, excluded.captured_at))
        DELETE FROM sessions WHERE id IN (SELECT id FROM old);
        """;

    public Task<IReadOnlyList<UnprotectedSession>> ListUnprotectedAsync(int maxCount, CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<UnprotectedSession>>("list session mappings stored in clear", async connection =>
        {
            await using var command = new NpgsqlCommand(ListUnprotectedSql, connection);
            command.Parameters.With(maxCount);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.ReadAllAsync(reader, DbRows.UnprotectedSession, cancellationToken);
        }, cancellationToken);

    public Task ProtectAsync(UnprotectedSession existing, SessionKey key, string? subject, ProtectedIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(identity);
        return database.RunAsync("protect a session mapping stored in clear", async connection =>
        {
            await using var command = new NpgsqlCommand(ProtectSql, connection);
            NpgsqlParameter[] parameters = [.. KeyParameters(existing.Key), Value(key.Sid), NullableText(subject), Value(identity.Sid), NullableText(identity.Subject)];
            command.Parameters.AddRange(parameters);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }
}
