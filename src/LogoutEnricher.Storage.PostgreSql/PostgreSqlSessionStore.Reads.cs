using LogoutEnricher.Storage.Relational;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

internal sealed partial class PostgreSqlSessionStore
{
    // Note: both lookups are index seeks (ux_sessions_key, ix_sessions_subject, then the app_sessions primary key),
    // O(log n) whatever the table size; the LEFT JOIN keeps a mapping without app sessions visible.
    private const string FindSql = """
        SELECT s.sid, s.sub, s.expires_at, a.handle, a.protected_id, a.host, s.protected_sid, s.protected_sub
        FROM sessions s LEFT JOIN app_sessions a ON a.session_id = s.id
        WHERE s.issuer = $1 AND s.client_id = $2 AND s.sid = $3 AND s.expires_at > $4
        ORDER BY a.handle;
        """;

    private const string FindBySubjectSql = """
        SELECT s.sid, s.sub, s.expires_at, a.handle, a.protected_id, a.host, s.protected_sid, s.protected_sub
        FROM sessions s LEFT JOIN app_sessions a ON a.session_id = s.id
        WHERE s.issuer = $1 AND s.client_id = $2 AND s.sub = $3 AND s.expires_at > $4
        ORDER BY s.sid, a.handle;
        """;

    // Note: the page is cut on sessions in ux_sessions_key order (an index range scan), then joined with the app
    // sessions old enough.
    private const string ListByClientSql = """
        SELECT s.sid, s.sub, s.expires_at, a.handle, a.protected_id, a.host, s.protected_sid, s.protected_sub
        FROM (SELECT id, sid, sub, expires_at, protected_sid, protected_sub FROM sessions
              WHERE issuer = $1 AND client_id = $2 AND sid > $3 AND expires_at > $4
              ORDER BY sid LIMIT $5) s
        LEFT JOIN app_sessions a ON a.session_id = s.id AND a.captured_at < $6
        ORDER BY s.sid, a.handle;
        """;

    public async Task<IReadOnlyList<SessionMapping>> ListByClientAsync(
        string issuer, string clientId, string? afterSid, DateTimeOffset capturedBefore, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        return await database.RunAsync("list session mappings of a client", async connection =>
        {
            await using var command = new NpgsqlCommand(ListByClientSql, connection);
            command.Parameters.With(issuer).With(clientId).With(afterSid ?? "").With(time.NowMs()).With(maxCount).With(capturedBefore.ToUnixMs());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.SessionMappingsAsync(reader, issuer, clientId, cancellationToken);
        }, cancellationToken);
    }

    public async Task<SessionMapping?> FindAsync(SessionKey key, CancellationToken cancellationToken = default)
    {
        var mappings = await QueryAsync("find a session mapping", FindSql, key.Issuer, key.ClientId, key.Sid, cancellationToken);
        return mappings.Count == 0 ? null : mappings[0];
    }

    public async Task<IReadOnlyList<SessionMapping>> FindBySubjectAsync(string issuer, string clientId, string subject, CancellationToken cancellationToken = default) =>
        await QueryAsync("find session mappings by subject", FindBySubjectSql, issuer, clientId, subject, cancellationToken);

    /// <summary>Folds the joined rows, ordered by sid, into one mapping per sid.</summary>
    private Task<List<SessionMapping>> QueryAsync(string operation, string sql, string issuer, string clientId, string third, CancellationToken cancellationToken) =>
        database.RunAsync(operation, async connection =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.With(issuer).With(clientId).With(third).With(time.NowMs());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.SessionMappingsAsync(reader, issuer, clientId, cancellationToken);
        }, cancellationToken);
}
