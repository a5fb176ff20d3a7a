using LogoutEnricher.Storage.Relational;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>
/// Readiness: a pooled connection takes a write into the migrated schema. A read alone stays green on a server that
/// refuses writes (a standby after a failover, a full disk, <c>default_transaction_read_only</c>), so the probe upserts
/// one row of the replay table, which the purge removes like any expired entry.
/// </summary>
internal sealed class PostgreSqlStorageHealth(PostgreSqlDatabase database, TimeProvider time) : IStorageHealth
{
    /// <summary>The replay-cache issuer under which the probe writes; no provider issuer looks like it.</summary>
    public const string ProbeIssuer = "urn:logoutenricher:readiness-probe";

    private const string ProbeSql = """
        INSERT INTO replay (issuer, jti, expires_at) VALUES ($1, 'write', $2)
        ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = excluded.expires_at;
        """;

    public Task PingAsync(CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("write a readiness probe", ProbeSql,
            parameters => parameters.With(ProbeIssuer).With(time.GetUtcNow().AddMinutes(1).ToUnixMs()), cancellationToken);
}
