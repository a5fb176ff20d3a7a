using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>The <c>jti</c> replay cache in the <c>replay</c> table.</summary>
internal sealed class SqliteReplayCache(SqliteConnectionFactory connections, SqliteGroupCommit writes, TimeProvider time) : IReplayCache
{
    private const string ContainsSql = """
        SELECT EXISTS (SELECT 1 FROM replay WHERE issuer = $issuer AND jti = $jti AND expires_at > $now);
        """;

    // Note: one statement decides the race between two replicas delivering the same token. An entry that expired
    // but was not purged yet is taken over; the upsert's WHERE leaves a live entry alone, so no row changes.
    private const string TryAddSql = """
        INSERT INTO replay (issuer, jti, expires_at) VALUES ($issuer, $jti, $expires)
        ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE replay.expires_at <= $now;
        """;

    private const string ReleaseSql = "DELETE FROM replay WHERE issuer = $issuer AND jti = $jti;";

    private const string PurgeSql = """
        DELETE FROM replay WHERE rowid IN (SELECT rowid FROM replay WHERE expires_at <= $now LIMIT $batch);
        """;

    public async Task<bool> ContainsAsync(string issuer, string jti, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = Command(connection, ContainsSql, issuer, jti);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("read the replay cache", ex);
        }
    }

    public async Task<bool> TryAddAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var write = await writes.BeginAsync(cancellationToken);
            var command = write.Command(TryAddSql);
            Bind(command, issuer, jti);
            command.Parameters.AddWithValue("$expires", expiresAt.ToUnixMs());
            var added = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
            await write.CommitAsync();
            return added;
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("record a token in the replay cache", ex);
        }
    }

    public async Task ReleaseAsync(string issuer, string jti, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = Command(connection, ReleaseSql, issuer, jti);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("release a token from the replay cache", ex);
        }
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        try
        {
            return await SqliteBatchDelete.RunAsync(connections, PurgeSql, now, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("purge the replay cache", ex);
        }
    }

    private SqliteCommand Command(SqliteConnection connection, string sql, string issuer, string jti)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        Bind(command, issuer, jti);
        return command;
    }

    private void Bind(SqliteCommand command, string issuer, string jti)
    {
        command.Parameters.AddWithValue("$issuer", issuer);
        command.Parameters.AddWithValue("$jti", jti);
        command.Parameters.AddWithValue("$now", time.NowMs());
    }
}
