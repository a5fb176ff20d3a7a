using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

internal sealed partial class SqliteSessionStore
{
    // Note: one statement per lookup reads a consistent snapshot (WAL readers never wait for the writer); the LEFT
    // JOIN keeps a mapping that has no app session left visible with an empty list.
    private const string FindSql = """
        SELECT s.sid, s.sub, s.expires_at, a.handle, a.protected_id, a.host, s.protected_sid, s.protected_sub
        FROM sessions s
        LEFT JOIN app_sessions a ON a.issuer = s.issuer AND a.client_id = s.client_id AND a.sid = s.sid
        WHERE s.issuer = $issuer AND s.client_id = $client AND s.sid = $sid AND s.expires_at > $now
        ORDER BY a.rowid;
        """;

    private const string FindBySubjectSql = """
        SELECT s.sid, s.sub, s.expires_at, a.handle, a.protected_id, a.host, s.protected_sid, s.protected_sub
        FROM sessions s
        LEFT JOIN app_sessions a ON a.issuer = s.issuer AND a.client_id = s.client_id AND a.sid = s.sid
        WHERE s.issuer = $issuer AND s.client_id = $client AND s.sub = $sub AND s.expires_at > $now
        ORDER BY s.sid, a.rowid;
        """;

    // Note: the page is cut on sessions (the primary key's order), then joined with the app sessions old enough.
    private const string ListByClientSql = """
        SELECT s.sid, s.sub, s.expires_at, a.handle, a.protected_id, a.host, s.protected_sid, s.protected_sub
        FROM (SELECT issuer, client_id, sid, sub, expires_at, protected_sid, protected_sub FROM sessions
              WHERE issuer = $issuer AND client_id = $client AND sid > $after AND expires_at > $now
              ORDER BY sid LIMIT $max) s
        LEFT JOIN app_sessions a ON a.issuer = s.issuer AND a.client_id = s.client_id AND a.sid = s.sid AND a.captured_at < $before
        ORDER BY s.sid, a.rowid;
        """;

    public async Task<IReadOnlyList<SessionMapping>> ListByClientAsync(
        string issuer, string clientId, string? afterSid, DateTimeOffset capturedBefore, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = ListByClientSql;
            command.Parameters.AddWithValue("$issuer", issuer);
            command.Parameters.AddWithValue("$client", clientId);
            command.Parameters.AddWithValue("$after", afterSid ?? "");
            command.Parameters.AddWithValue("$now", time.NowMs());
            command.Parameters.AddWithValue("$max", maxCount);
            command.Parameters.AddWithValue("$before", capturedBefore.ToUnixMs());
            return await ReadMappingsAsync(command, issuer, clientId, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("list session mappings of a client", ex);
        }
    }

    public async Task<SessionMapping?> FindAsync(SessionKey key, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = Command(connection, transaction: null, key, FindSql);
            command.Parameters.AddWithValue("$now", time.NowMs());
            var mappings = await ReadMappingsAsync(command, key.Issuer, key.ClientId, cancellationToken);
            return mappings.Count == 0 ? null : mappings[0];
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("find a session mapping", ex);
        }
    }

    public async Task<IReadOnlyList<SessionMapping>> FindBySubjectAsync(string issuer, string clientId, string subject, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = FindBySubjectSql;
            command.Parameters.AddWithValue("$issuer", issuer);
            command.Parameters.AddWithValue("$client", clientId);
            command.Parameters.AddWithValue("$sub", subject);
            command.Parameters.AddWithValue("$now", time.NowMs());
            return await ReadMappingsAsync(command, issuer, clientId, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("find session mappings by subject", ex);
        }
    }

    /// <summary>Folds the joined rows, ordered by sid, into one mapping per sid.</summary>
    private static async Task<List<SessionMapping>> ReadMappingsAsync(SqliteCommand command, string issuer, string clientId, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await DbRows.SessionMappingsAsync(reader, issuer, clientId, cancellationToken);
    }
}
