using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// Session mappings as one hash per mapping, a set per subject and a sorted set by expiry. Every write is one Lua
/// script, so concurrent adds to one key from any replica are serialized by Redis and lose nothing.
/// </summary>
internal sealed partial class RedisSessionStore(RedisConnection connection, TimeProvider time) : ISessionRecordStore
{
    // KEYS: mapping, subject set ('' when no subject), expiry zset, client index. ARGV: now, expires, margin, subject,
    // id, protected sid, protected subject ('' when none), then handle/value pairs. sid and subject are lookup hashes:
    // 'ps' and 'pu' hold the values encrypted; a mapping without 'ps' was written before. An expired but unpurged mapping is dropped first so that it does not come back to
    // life. 'c:<handle>' holds when the app session was last captured (a notBefore push ends those captured before).
    private const string AddScript = """
        local now = tonumber(ARGV[1])
        local e = redis.call('HGET', KEYS[1], 'e')
        if e and tonumber(e) <= now then
          local x = redis.call('HGET', KEYS[1], 'x')
          if x then redis.call('SREM', x, ARGV[5]) end
          redis.call('DEL', KEYS[1])
          e = false
        end
        local expires = ARGV[2]
        if e and tonumber(e) > tonumber(expires) then expires = e end
        redis.call('HSET', KEYS[1], 'e', expires)
        local ttl = tonumber(expires) - now + tonumber(ARGV[3])
        if ttl < tonumber(ARGV[3]) then ttl = tonumber(ARGV[3]) end
        if ARGV[4] ~= '' then
          local x = redis.call('HGET', KEYS[1], 'x')
          if x and x ~= KEYS[2] then redis.call('SREM', x, ARGV[5]) end
          redis.call('HSET', KEYS[1], 'u', ARGV[4], 'x', KEYS[2])
          redis.call('SADD', KEYS[2], ARGV[5])
          if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
        end
        redis.call('HSET', KEYS[1], 'ps', ARGV[6])
        if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'pu', ARGV[7]) end
        for i = 8, #ARGV, 2 do
          redis.call('HSETNX', KEYS[1], 'a:' .. ARGV[i], ARGV[i + 1])
          redis.call('HSET', KEYS[1], 'c:' .. ARGV[i], ARGV[1])
        end
        redis.call('HSET', KEYS[1], 'ci', KEYS[4])
        redis.call('PEXPIRE', KEYS[1], ttl)
        redis.call('ZADD', KEYS[3], expires, ARGV[5])
        redis.call('ZADD', KEYS[4], 0, ARGV[5])
        return 1
        """;

    // KEYS: mapping, expiry zset. ARGV: id, then handles. The mapping goes once no app session is left.
    private const string RemoveScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        for i = 2, #ARGV do redis.call('HDEL', KEYS[1], 'a:' .. ARGV[i], 'c:' .. ARGV[i]) end
        local fields = redis.call('HKEYS', KEYS[1])
        for _, f in ipairs(fields) do
          if string.sub(f, 1, 2) == 'a:' then return 0 end
        end
        local x = redis.call('HGET', KEYS[1], 'x')
        if x then redis.call('SREM', x, ARGV[1]) end
        local ci = redis.call('HGET', KEYS[1], 'ci')
        if ci then redis.call('ZREM', ci, ARGV[1]) end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        return 1
        """;

    private readonly RedisKeys _keys = connection.Keys;

    public Task AddAsync(SessionKey key, string? subject, ProtectedIdentity identity, IReadOnlyCollection<AppSession> sessions, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(sessions);
        var id = RedisKeys.MappingId(key);
        var subjectKey = subject is null ? "" : _keys.Subject(key.Issuer, key.ClientId, subject);
        var arguments = new List<RedisValue>(7 + (2 * sessions.Count))
        {
            UnixMs.Now(time),
            UnixMs.Of(expiresAt),
            (long)RedisKeys.ExpiryMargin.TotalMilliseconds,
            subject ?? "",
            id,
            identity.Sid,
            identity.Subject ?? "",
        };
        foreach (var session in sessions)
        {
            arguments.Add(session.Handle);
            arguments.Add(AppSessionValue.Encode(session));
        }

        return connection.RunAsync("add a session mapping", database =>
            database.ScriptEvaluateAsync(AddScript, [_keys.Mapping(id), subjectKey, _keys.MappingExpiry, _keys.ClientIndex(key.Issuer, key.ClientId)], [.. arguments]));
    }

    public Task RemoveAsync(SessionKey key, IReadOnlyCollection<string> sessionHandles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionHandles);
        var id = RedisKeys.MappingId(key);
        RedisValue[] arguments = [id, .. sessionHandles.Select(handle => (RedisValue)handle)];
        return connection.RunAsync("remove application sessions", database =>
            database.ScriptEvaluateAsync(RemoveScript, [_keys.Mapping(id), _keys.MappingExpiry], arguments));
    }

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        RedisExpiryIndex.PurgeAsync(connection, _keys.MappingExpiry, _keys.Mapping(""), now, "purge expired session mappings", cancellationToken);
}
