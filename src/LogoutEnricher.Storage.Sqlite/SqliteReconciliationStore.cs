using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Cursors, leases and observations of reconciliation in the tables of migration 004.</summary>
internal sealed partial class SqliteReconciliationStore(SqliteConnectionFactory connections, TimeProvider time) : IReconciliationStore
{
    private const string GetCursorSql = "SELECT value FROM reconciliation_cursors WHERE name = $name;";

    private const string SetCursorSql = """
        INSERT INTO reconciliation_cursors (name, value, updated_at) VALUES ($name, $value, $now)
        ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at;
        """;

    // Note: one statement decides between replicas: the row is taken when free, expired, or already ours.
    private const string AcquireSql = """
        INSERT INTO reconciliation_leases (name, owner, lease_until) VALUES ($name, $owner, $until)
        ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
        WHERE reconciliation_leases.owner = excluded.owner OR reconciliation_leases.lease_until <= $now;
        """;

    private const string ReleaseSql = "DELETE FROM reconciliation_leases WHERE name = $name AND owner = $owner;";

    public Task<string?> GetCursorAsync(string name, CancellationToken cancellationToken = default) =>
        RunAsync("read a reconciliation cursor", async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = GetCursorSql;
            command.Parameters.AddWithValue("$name", name);
            return await command.ExecuteScalarAsync(cancellationToken) as string;
        }, cancellationToken);

    public Task SetCursorAsync(string name, string value, CancellationToken cancellationToken = default) =>
        RunAsync("save a reconciliation cursor", async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = SetCursorSql;
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$value", value);
            command.Parameters.AddWithValue("$now", time.NowMs());
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<bool> TryAcquireLeaseAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken = default) =>
        RunAsync("take a reconciliation lease", async connection =>
        {
            var now = time.GetUtcNow();
            await using var command = connection.CreateCommand();
            command.CommandText = AcquireSql;
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$until", (now + duration).ToUnixMs());
            command.Parameters.AddWithValue("$now", now.ToUnixMs());
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public Task ReleaseLeaseAsync(string name, string owner, CancellationToken cancellationToken = default) =>
        RunAsync("release a reconciliation lease", async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = ReleaseSql;
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$owner", owner);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    private async Task<T> RunAsync<T>(string operation, Func<SqliteConnection, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            return await action(connection);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap(operation, ex);
        }
    }
}
