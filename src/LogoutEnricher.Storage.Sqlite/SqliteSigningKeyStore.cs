using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Signing keys in the <c>signing_keys</c> table.</summary>
internal sealed class SqliteSigningKeyStore(SqliteConnectionFactory connections) : ISigningKeyStore
{
    private const string SelectAllSql = $"SELECT {DbRows.SigningKeyColumns} FROM signing_keys ORDER BY activates_at, kid;";

    private const string InsertSql = """
        INSERT INTO signing_keys (kid, alg, protected_private_key, created_at, activates_at, retires_at)
        VALUES ($kid, $alg, $key, $created, $activates, $retires)
        ON CONFLICT (kid) DO NOTHING;
        """;

    // Note: a conflict on kid or on slot leaves the row that is there; the select then names the slot's holder.
    private const string InsertToSlotSql = $"""
        INSERT INTO signing_keys (kid, alg, protected_private_key, created_at, activates_at, retires_at, slot)
        VALUES ($kid, $alg, $key, $created, $activates, $retires, $slot)
        ON CONFLICT DO NOTHING;
        SELECT {DbRows.SigningKeyColumns} FROM signing_keys WHERE slot = $slot;
        """;

    private const string RetireSql = "UPDATE signing_keys SET retires_at = $retires WHERE kid = $kid;";

    private const string DeleteSql = "DELETE FROM signing_keys WHERE kid = $kid;";

    public async Task<IReadOnlyList<StoredSigningKey>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = SelectAllSql;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.ReadAllAsync(reader, DbRows.SigningKey, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("read the signing keys", ex);
        }
    }

    public async Task<bool> TryAddAsync(StoredSigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = InsertSql;
            AddKeyParameters(command, key);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("add a signing key", ex);
        }
    }

    public async Task<StoredSigningKey> AddToSlotAsync(string slot, StoredSigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(slot);
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = InsertToSlotSql;
            AddKeyParameters(command, key);
            command.Parameters.AddWithValue("$slot", slot);
            StoredSigningKey? holder;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                holder = (await DbRows.ReadAllAsync(reader, DbRows.SigningKey, cancellationToken)).SingleOrDefault();
            }

            await transaction.CommitAsync(cancellationToken);
            return holder ?? throw new InvalidOperationException($"Signing key {key.KeyId} exists already without holding slot {slot}.");
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("add a signing key", ex);
        }
    }

    public Task RetireAsync(string keyId, DateTimeOffset retiresAt, CancellationToken cancellationToken = default) =>
        ExecuteAsync(RetireSql, keyId, retiresAt, "retire a signing key", cancellationToken);

    public Task RemoveAsync(string keyId, CancellationToken cancellationToken = default) =>
        ExecuteAsync(DeleteSql, keyId, retiresAt: null, "remove a signing key", cancellationToken);

    private static void AddKeyParameters(SqliteCommand command, StoredSigningKey key)
    {
        command.Parameters.AddWithValue("$kid", key.KeyId);
        command.Parameters.AddWithValue("$alg", key.Algorithm);
        command.Parameters.AddWithValue("$key", key.ProtectedPrivateKey);
        command.Parameters.AddWithValue("$created", key.CreatedAt.ToUnixMs());
        command.Parameters.AddWithValue("$activates", key.ActivatesAt.ToUnixMs());
        command.Parameters.AddWithValue("$retires", (object?)key.RetiresAt?.ToUnixMs() ?? DBNull.Value);
    }

    private async Task ExecuteAsync(string sql, string keyId, DateTimeOffset? retiresAt, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$kid", keyId);
            command.Parameters.AddWithValue("$retires", (object?)retiresAt?.ToUnixMs() ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap(operation, ex);
        }
    }
}
