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

    // KEYS: keys, retirements, slots. ARGV: slot, kid, encoded key, retires (or ''). A slot whose kid was removed is
    // free. Returns the kid, encoded key and retires of the slot's holder, read in the same atomic step.
    private const string AddToSlotScript = """
        local holder = redis.call('HGET', KEYS[3], ARGV[1])
        if not holder or redis.call('HEXISTS', KEYS[1], holder) == 0 then
          if redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]) == 1 and ARGV[4] ~= '' then
            redis.call('HSET', KEYS[2], ARGV[2], ARGV[4])
          end
          redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
          holder = ARGV[2]
        end
        return { holder, redis.call('HGET', KEYS[1], holder), redis.call('HGET', KEYS[2], holder) or '' }
        """;

    // KEYS: keys, retirements, slots. ARGV: kid. The slot the key held is freed with it.
    private const string RemoveScript = """
        redis.call('HDEL', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[2], ARGV[1])
        local slots = redis.call('HGETALL', KEYS[3])
        for i = 1, #slots, 2 do
          if slots[i + 1] == ARGV[1] then redis.call('HDEL', KEYS[3], slots[i]) end
        end
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

    public Task<StoredSigningKey> AddToSlotAsync(string slot, StoredSigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(slot);
        ArgumentNullException.ThrowIfNull(key);
        return connection.RunAsync("add a signing key", async database =>
        {
            var retires = key.RetiresAt is { } retiresAt ? UnixMs.Of(retiresAt).ToString(CultureInfo.InvariantCulture) : string.Empty;
            var result = (RedisResult[])(await database.ScriptEvaluateAsync(
                AddToSlotScript,
                [_keys.SigningKeys, _keys.SigningKeyRetirements, _keys.SigningKeySlots],
                [slot, key.KeyId, Encode(key), retires]))!;
            var holderRetires = (string)result[2]!;
            return Decode((string)result[0]!, (string)result[1]!, holderRetires.Length == 0 ? null : UnixMs.Parse(holderRetires));
        });
    }

    public Task RetireAsync(string keyId, DateTimeOffset retiresAt, CancellationToken cancellationToken = default) =>
        connection.RunAsync("retire a signing key", database =>
            database.ScriptEvaluateAsync(RetireScript, [_keys.SigningKeys, _keys.SigningKeyRetirements], [keyId, UnixMs.Of(retiresAt)]));

    public Task RemoveAsync(string keyId, CancellationToken cancellationToken = default) =>
        connection.RunAsync("remove a signing key", database =>
            database.ScriptEvaluateAsync(RemoveScript, [_keys.SigningKeys, _keys.SigningKeyRetirements, _keys.SigningKeySlots], [keyId]));

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
