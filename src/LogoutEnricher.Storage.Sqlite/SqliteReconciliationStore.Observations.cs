using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

internal sealed partial class SqliteReconciliationStore
{
    private const string GetObservationsSql = """
        SELECT sid, first_missing_at FROM reconciliation_observations WHERE issuer = $issuer AND client_id = $client;
        """;

    private const string AddObservationSql = """
        INSERT OR IGNORE INTO reconciliation_observations (issuer, client_id, sid, first_missing_at)
        VALUES ($issuer, $client, $sid, $at);
        """;

    private const string RemoveObservationSql = """
        DELETE FROM reconciliation_observations WHERE issuer = $issuer AND client_id = $client AND sid = $sid;
        """;

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> GetObservationsAsync(string issuer, string clientId, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyDictionary<string, DateTimeOffset>>("read reconciliation observations", async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = GetObservationsSql;
            command.Parameters.AddWithValue("$issuer", issuer);
            command.Parameters.AddWithValue("$client", clientId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.ObservationsAsync(reader, cancellationToken);
        }, cancellationToken);

    public Task AddObservationsAsync(string issuer, string clientId, IReadOnlyCollection<string> sids, DateTimeOffset observedAt, CancellationToken cancellationToken = default) =>
        WriteEachAsync("record reconciliation observations", AddObservationSql, issuer, clientId, sids, observedAt, cancellationToken);

    public Task RemoveObservationsAsync(string issuer, string clientId, IReadOnlyCollection<string> sids, CancellationToken cancellationToken = default) =>
        WriteEachAsync("remove reconciliation observations", RemoveObservationSql, issuer, clientId, sids, null, cancellationToken);

    /// <summary>One transaction for the whole batch: one fsync however many sessions.</summary>
    private Task WriteEachAsync(string operation, string sql, string issuer, string clientId, IReadOnlyCollection<string> sids, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sids);
        if (sids.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunAsync(operation, async connection =>
        {
            await using var transaction = connection.BeginTransaction();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.Parameters.AddWithValue("$issuer", issuer);
            command.Parameters.AddWithValue("$client", clientId);
            command.Parameters.AddWithValue("$at", at?.ToUnixMs() ?? 0L);
            var sid = command.Parameters.Add("$sid", SqliteType.Text);
            foreach (var value in sids)
            {
                sid.Value = value;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }
}
