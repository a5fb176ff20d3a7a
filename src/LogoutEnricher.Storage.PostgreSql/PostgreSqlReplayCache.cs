using LogoutEnricher.Storage.Relational;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>The <c>jti</c> replay cache in the <c>replay</c> table.</summary>
internal sealed class PostgreSqlReplayCache(PostgreSqlDatabase database, TimeProvider time) : IReplayCache
{
    private const string ContainsSql = "SELECT EXISTS (SELECT 1 FROM replay WHERE issuer = $1 AND jti = $2 AND expires_at > $3);";

    // Note: one statement decides the race between replicas receiving the same token: the unique key serializes
    // them, and the upsert's WHERE takes over only an entry that already expired, so a live one changes no row.
    private const string TryAddSql = """
        INSERT INTO replay (issuer, jti, expires_at) VALUES ($1, $2, $4)
        ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE replay.expires_at <= $3;
        """;

    private const string ReleaseSql = "DELETE FROM replay WHERE issuer = $1 AND jti = $2;";

    // Note: replay has no surrogate key; ctid = ANY(ARRAY(...)) is a TID scan, the cheapest way back to the rows.
    private const string PurgeSql = """
        DELETE FROM replay WHERE ctid = ANY (ARRAY (
            SELECT ctid FROM replay WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED));
        """;

    public Task<bool> ContainsAsync(string issuer, string jti, CancellationToken cancellationToken = default) =>
        database.RunAsync("read the replay cache", async connection =>
        {
            await using var command = new NpgsqlCommand(ContainsSql, connection);
            command.Parameters.With(issuer).With(jti).With(time.NowMs());
            return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    public async Task<bool> TryAddAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("record a token in the replay cache", TryAddSql,
            parameters => parameters.With(issuer).With(jti).With(time.NowMs()).With(expiresAt.ToUnixMs()), cancellationToken) == 1;

    public Task ReleaseAsync(string issuer, string jti, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("release a token from the replay cache", ReleaseSql,
            parameters => parameters.With(issuer).With(jti), cancellationToken);

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        PostgreSqlBatchDelete.RunAsync(database, PurgeSql, now, "purge the replay cache", cancellationToken);
}
