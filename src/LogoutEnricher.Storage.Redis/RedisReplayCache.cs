using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>The <c>jti</c> replay cache: one small hash per token holding its expiry, plus the expiry index.</summary>
internal sealed class RedisReplayCache(RedisConnection connection, TimeProvider time) : IReplayCache
{
    // KEYS: entry, expiry zset. ARGV: now, expires, ttl, id. One script decides the race between replicas that
    // receive the same token: a live entry wins, an expired but unpurged one is taken over.
    private const string TryAddScript = """
        local e = redis.call('HGET', KEYS[1], 'e')
        if e and tonumber(e) > tonumber(ARGV[1]) then return 0 end
        redis.call('HSET', KEYS[1], 'e', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
        return 1
        """;

    // KEYS: entry, expiry zset. ARGV: id. The entry and its place in the expiry index go together.
    private const string ReleaseScript = """
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        return 1
        """;

    private readonly RedisKeys _keys = connection.Keys;

    public Task<bool> ContainsAsync(string issuer, string jti, CancellationToken cancellationToken = default) =>
        connection.RunAsync("read the replay cache", async database =>
        {
            var expires = await database.HashGetAsync(_keys.Replay(RedisKeys.Join(issuer, jti)), "e");
            return !expires.IsNull && UnixMs.From(expires) > time.GetUtcNow();
        });

    public Task<bool> TryAddAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        var id = RedisKeys.Join(issuer, jti);
        RedisValue[] arguments = [UnixMs.Now(time), UnixMs.Of(expiresAt), UnixMs.TimeToLive(expiresAt, time), id];
        return connection.RunAsync("record a token in the replay cache", async database =>
            (int)await database.ScriptEvaluateAsync(TryAddScript, [_keys.Replay(id), _keys.ReplayExpiry], arguments) == 1);
    }

    public Task ReleaseAsync(string issuer, string jti, CancellationToken cancellationToken = default)
    {
        var id = RedisKeys.Join(issuer, jti);
        return connection.RunAsync("release a token from the replay cache", async database =>
            (int)await database.ScriptEvaluateAsync(ReleaseScript, [_keys.Replay(id), _keys.ReplayExpiry], [id]));
    }

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RedisExpiryIndex.PurgeAsync(connection, _keys.ReplayExpiry, _keys.Replay(""), now, "purge the replay cache", cancellationToken);
}
