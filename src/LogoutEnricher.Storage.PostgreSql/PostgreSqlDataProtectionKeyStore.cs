using LogoutEnricher.Storage.Relational;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>The Data Protection key ring in the <c>data_protection_keys</c> table, shared by every replica.</summary>
internal sealed class PostgreSqlDataProtectionKeyStore(PostgreSqlDatabase database, TimeProvider time) : IDataProtectionKeyStore
{
    private const string SelectAllSql = "SELECT friendly_name, xml FROM data_protection_keys ORDER BY stored_at, friendly_name;";

    private const string UpsertSql = """
        INSERT INTO data_protection_keys (friendly_name, xml, stored_at) VALUES ($1, $2, $3)
        ON CONFLICT (friendly_name) DO UPDATE SET xml = excluded.xml, stored_at = excluded.stored_at;
        """;

    public Task<IReadOnlyList<StoredDataProtectionKey>> GetAllAsync(CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<StoredDataProtectionKey>>("read the Data Protection key ring", async connection =>
        {
            await using var command = new NpgsqlCommand(SelectAllSql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.ReadAllAsync(reader, row => new StoredDataProtectionKey(row.GetString(0), row.GetString(1)), cancellationToken);
        }, cancellationToken);

    public Task StoreAsync(StoredDataProtectionKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return database.ExecuteAsync("store a Data Protection key", UpsertSql,
            parameters => parameters.With(key.FriendlyName).With(key.Xml).With(time.NowMs()), cancellationToken);
    }
}
