using LogoutEnricher.Storage.Relational;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>Signing keys in the <c>signing_keys</c> table.</summary>
internal sealed class PostgreSqlSigningKeyStore(PostgreSqlDatabase database) : ISigningKeyStore
{
    private const string SelectAllSql = $"SELECT {DbRows.SigningKeyColumns} FROM signing_keys ORDER BY activates_at, kid;";

    private const string InsertSql = """
        INSERT INTO signing_keys (kid, alg, protected_private_key, created_at, activates_at, retires_at)
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kid) DO NOTHING;
        """;

    // Note: ON CONFLICT waits for a racing insert of the same slot to commit, so the select that follows (a new
    // snapshot under READ COMMITTED) always sees the slot's holder.
    private const string InsertToSlotSql = """
        INSERT INTO signing_keys (kid, alg, protected_private_key, created_at, activates_at, retires_at, slot)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING;
        """;

    private const string SelectSlotSql = $"SELECT {DbRows.SigningKeyColumns} FROM signing_keys WHERE slot = $1;";

    public Task<IReadOnlyList<StoredSigningKey>> GetAllAsync(CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<StoredSigningKey>>("read the signing keys", async connection =>
        {
            await using var command = new NpgsqlCommand(SelectAllSql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await DbRows.ReadAllAsync(reader, DbRows.SigningKey, cancellationToken);
        }, cancellationToken);

    public async Task<bool> TryAddAsync(StoredSigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await database.ExecuteAsync("add a signing key", InsertSql, parameters => parameters
            .With(key.KeyId).With(key.Algorithm).With(key.ProtectedPrivateKey)
            .With(key.CreatedAt.ToUnixMs()).With(key.ActivatesAt.ToUnixMs()).With(key.RetiresAt?.ToUnixMs()), cancellationToken) == 1;
    }

    public Task<StoredSigningKey> AddToSlotAsync(string slot, StoredSigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(slot);
        ArgumentNullException.ThrowIfNull(key);
        return database.RunAsync("add a signing key", async connection =>
        {
            await using (var insert = new NpgsqlCommand(InsertToSlotSql, connection))
            {
                insert.Parameters
                    .With(key.KeyId).With(key.Algorithm).With(key.ProtectedPrivateKey)
                    .With(key.CreatedAt.ToUnixMs()).With(key.ActivatesAt.ToUnixMs()).With(key.RetiresAt?.ToUnixMs()).With(slot);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var select = new NpgsqlCommand(SelectSlotSql, connection);
            select.Parameters.With(slot);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            return (await DbRows.ReadAllAsync(reader, DbRows.SigningKey, cancellationToken)).SingleOrDefault()
                ?? throw new InvalidOperationException($"Signing key {key.KeyId} exists already without holding slot {slot}.");
        }, cancellationToken);
    }

    public Task RetireAsync(string keyId, DateTimeOffset retiresAt, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("retire a signing key", "UPDATE signing_keys SET retires_at = $2 WHERE kid = $1;",
            parameters => parameters.With(keyId).With(retiresAt.ToUnixMs()), cancellationToken);

    public Task RemoveAsync(string keyId, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("remove a signing key", "DELETE FROM signing_keys WHERE kid = $1;",
            parameters => parameters.With(keyId), cancellationToken);
}
