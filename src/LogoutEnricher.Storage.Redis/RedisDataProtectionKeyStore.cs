namespace LogoutEnricher.Storage.Redis;

/// <summary>The Data Protection key ring in one hash under the prefix, shared by every replica.</summary>
internal sealed class RedisDataProtectionKeyStore(RedisConnection connection) : IDataProtectionKeyStore
{
    private readonly RedisKeys _keys = connection.Keys;

    public Task<IReadOnlyList<StoredDataProtectionKey>> GetAllAsync(CancellationToken cancellationToken = default) =>
        connection.RunAsync<IReadOnlyList<StoredDataProtectionKey>>("read the Data Protection key ring", async database =>
            [.. (await database.HashGetAllAsync(_keys.DataProtectionKeys))
                .Select(entry => new StoredDataProtectionKey(entry.Name!, entry.Value!))]);

    public Task StoreAsync(StoredDataProtectionKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return connection.RunAsync("store a Data Protection key", database =>
            database.HashSetAsync(_keys.DataProtectionKeys, key.FriendlyName, key.Xml));
    }
}
