using LogoutEnricher.Storage.Relational;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>Cursors, leases and observations of reconciliation in the tables of migration 004.</summary>
internal sealed class PostgreSqlReconciliationStore(PostgreSqlDatabase database, TimeProvider time) : IReconciliationStore
{
    private const string GetCursorSql = "SELECT value FROM reconciliation_cursors WHERE name = $1;";

    private const string SetCursorSql = """
        INSERT INTO reconciliation_cursors (name, value, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at;
        """;

    // Note: one statement decides between replicas: the unique key serializes them, and the row is taken only when
    // it is already ours or its lease ran out; otherwise no row changes.
    private const string AcquireSql = """
        INSERT INTO reconciliation_leases (name, owner, lease_until) VALUES ($1, $2, $3)
        ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
        WHERE reconciliation_leases.owner = excluded.owner OR reconciliation_leases.lease_until <= $4;
        """;

    private const string ReleaseSql = "DELETE FROM reconciliation_leases WHERE name = $1 AND owner = $2;";

    private const string GetObservationsSql = "SELECT sid, first_missing_at FROM reconciliation_observations WHERE issuer = $1 AND client_id = $2;";

    private const string AddObservationsSql = """
        INSERT INTO reconciliation_observations (issuer, client_id, sid, first_missing_at)
        SELECT $1, $2, s, $4 FROM unnest($3::text[]) AS s
        ON CONFLICT (issuer, client_id, sid) DO NOTHING;
        """;

    private const string RemoveObservationsSql = "DELETE FROM reconciliation_observations WHERE issuer = $1 AND client_id = $2 AND sid = ANY($3);";

    public Task<string?> GetCursorAsync(string name, CancellationToken cancellationToken = default) =>
        database.RunAsync("read a reconciliation cursor", async connection =>
        {
            await using var command = new NpgsqlCommand(GetCursorSql, connection);
            command.Parameters.With(name);
            return await command.ExecuteScalarAsync(cancellationToken) as string;
        }, cancellationToken);

    public Task SetCursorAsync(string name, string value, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("save a reconciliation cursor", SetCursorSql, p => p.With(name).With(value).With(time.NowMs()), cancellationToken);

    public async Task<bool> TryAcquireLeaseAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        return await database.ExecuteAsync("take a reconciliation lease", AcquireSql,
            p => p.With(name).With(owner).With((now + duration).ToUnixMs()).With(now.ToUnixMs()), cancellationToken) == 1;
    }

    public Task ReleaseLeaseAsync(string name, string owner, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("release a reconciliation lease", ReleaseSql, p => p.With(name).With(owner), cancellationToken);

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> GetObservationsAsync(string issuer, string clientId, CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyDictionary<string, DateTimeOffset>>("read reconciliation observations", async connection =>
        {
            await using var command = new NpgsqlCommand(GetObservationsSql, connection);
            command.Parameters.With(issuer).With(clientId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.ObservationsAsync(reader, cancellationToken);
        }, cancellationToken);

    public Task AddObservationsAsync(string issuer, string clientId, IReadOnlyCollection<string> sids, DateTimeOffset observedAt, CancellationToken cancellationToken = default) =>
        sids.Count == 0
            ? Task.CompletedTask
            : database.ExecuteAsync("record reconciliation observations", AddObservationsSql,
                p => p.With(issuer).With(clientId).With(sids.ToArray()).With(observedAt.ToUnixMs()), cancellationToken);

    public Task RemoveObservationsAsync(string issuer, string clientId, IReadOnlyCollection<string> sids, CancellationToken cancellationToken = default) =>
        sids.Count == 0
            ? Task.CompletedTask
            : database.ExecuteAsync("remove reconciliation observations", RemoveObservationsSql,
                p => p.With(issuer).With(clientId).With(sids.ToArray()), cancellationToken);
}
