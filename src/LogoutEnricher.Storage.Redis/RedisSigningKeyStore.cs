using System.Globalization;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// Signing keys in two hashes: kid to the immutable part (alg, times, encrypted key) and kid to retires_at, so that
/// retiring is a single-field write and never a read-modify-write of the whole key.
/// </summary>
internal sealed class RedisSigningKeyStore(RedisConnection connection) : ISigningKeyStore
{
    // KEYS: keys, retirements. ARGV: kid, retires. Only a key that exists can be retired.
    private const string RetireScript = """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
        redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
        return 1
        """;

    private readonly RedisKeys _keys = connection.Keys;

    public Task<IReadOnlyList<StoredSigningKey>> GetAllAsync(CancellationToken cancellationToken = default) =>
        connection.RunAsync<IReadOnlyList<StoredSigningKey>>("read the signing keys", async database =>
        {
            var keysTask = database.HashGetAllAsync(_keys.SigningKeys);
            var retirementsTask = database.HashGetAllAsync(_keys.SigningKeyRetirements);
            var retirements = (await retirementsTask).ToDictionary(entry => (string)entry.Name!, entry => UnixMs.From(entry.Value), StringComparer.Ordinal);
            return [.. (await keysTask)
                .Select(entry => Decode(entry.Name!, entry.Value!, retirements.TryGetValue(entry.Name!, out var retiresAt) ? retiresAt : null))
                .OrderBy(key => key.ActivatesAt)
                .ThenBy(key => key.KeyId, StringComparer.Ordinal)];
        });

    public Task<bool> TryAddAsync(StoredSigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return connection.RunAsync("add a signing key", async database =>
        {
            var added = await database.HashSetAsync(_keys.SigningKeys, key.KeyId, Encode(key), When.NotExists);
            if (added && key.RetiresAt is { } retiresAt)
            {
                await database.HashSetAsync(_keys.SigningKeyRetirements, key.KeyId, UnixMs.Of(retiresAt));
            }

            return added;
        });
    }

    public Task RetireAsync(string keyId, DateTimeOffset retiresAt, CancellationToken cancellationToken = default) =>
        connection.RunAsync("retire a signing key", database =>
            database.ScriptEvaluateAsync(RetireScript, [_keys.SigningKeys, _keys.SigningKeyRetirements], [keyId, UnixMs.Of(retiresAt)]));

    public Task RemoveAsync(string keyId, CancellationToken cancellationToken = default) =>
        connection.RunAsync("remove a signing key", async database =>
        {
            var transaction = database.CreateTransaction();
            _ = transaction.HashDeleteAsync(_keys.SigningKeys, keyId);
            _ = transaction.HashDeleteAsync(_keys.SigningKeyRetirements, keyId);
            await transaction.ExecuteAsync();
        });

    // Note: alg and the encrypted key (base64) never contain a newline, so a newline-separated value is unambiguous.
    private static string Encode(StoredSigningKey key) => string.Join('\n',
        key.Algorithm,
        UnixMs.Of(key.CreatedAt).ToString(CultureInfo.InvariantCulture),
        UnixMs.Of(key.ActivatesAt).ToString(CultureInfo.InvariantCulture),
        key.ProtectedPrivateKey);

    private static StoredSigningKey Decode(string keyId, string value, DateTimeOffset? retiresAt)
    {
        var parts = value.Split('\n', 4);
        return new StoredSigningKey(keyId, parts[0], parts[3], UnixMs.Parse(parts[1]), UnixMs.Parse(parts[2]), retiresAt);
    }
}
