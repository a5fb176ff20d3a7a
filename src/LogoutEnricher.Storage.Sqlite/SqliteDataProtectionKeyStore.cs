using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>The Data Protection key ring in the <c>data_protection_keys</c> table.</summary>
internal sealed class SqliteDataProtectionKeyStore(SqliteConnectionFactory connections, TimeProvider time) : IDataProtectionKeyStore
{
    private const string SelectAllSql = "SELECT friendly_name, xml FROM data_protection_keys ORDER BY stored_at, friendly_name;";

    private const string UpsertSql = """
        INSERT INTO data_protection_keys (friendly_name, xml, stored_at) VALUES ($name, $xml, $now)
        ON CONFLICT (friendly_name) DO UPDATE SET xml = excluded.xml, stored_at = excluded.stored_at;
        """;

    public async Task<IReadOnlyList<StoredDataProtectionKey>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = SelectAllSql;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.ReadAllAsync(reader, row => new StoredDataProtectionKey(row.GetString(0), row.GetString(1)), cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("read the Data Protection key ring", ex);
        }
    }

    public async Task StoreAsync(StoredDataProtectionKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = UpsertSql;
            command.Parameters.AddWithValue("$name", key.FriendlyName);
            command.Parameters.AddWithValue("$xml", key.Xml);
            command.Parameters.AddWithValue("$now", time.NowMs());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("store a Data Protection key", ex);
        }
    }
}
