using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>Readiness: a pooled connection answers a query against the migrated schema.</summary>
internal sealed class PostgreSqlStorageHealth(PostgreSqlDatabase database) : IStorageHealth
{
    public Task PingAsync(CancellationToken cancellationToken = default) =>
        database.RunAsync("answer a health check", async connection =>
        {
            // Note: reading schema_migrations rather than SELECT 1 also catches a schema that was dropped.
            await using var command = new NpgsqlCommand("SELECT MAX(version) FROM schema_migrations;", connection);
            await command.ExecuteScalarAsync(cancellationToken);
        }, cancellationToken);
}
