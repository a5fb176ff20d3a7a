using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Readiness: the file opens and answers a query against the schema.</summary>
internal sealed class SqliteStorageHealth(SqliteConnectionFactory connections) : IStorageHealth
{
    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            // Note: reading schema_migrations rather than SELECT 1 also catches a file that was replaced or never
            // migrated, which would otherwise only show on the first logout.
            command.CommandText = "SELECT MAX(version) FROM schema_migrations;";
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("answer a health check", ex);
        }
    }
}
