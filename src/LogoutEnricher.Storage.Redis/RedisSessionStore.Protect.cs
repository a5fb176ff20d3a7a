using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// Moving mappings written before hashing to the new key layout. Their keys embed the sid in clear (the
/// mapping, its client index and expiry members) and the subject (its subject set); each is rewritten under the hashes.
/// </summary>
internal sealed partial class RedisSessionStore
{
    // KEYS: old mapping, new mapping, expiry zset, client index, new subject set ('' when no subject). ARGV: old id, new
    // id, now, margin, subject hash, protected sid, protected subject. Atomic; an old mapping that is gone or already
    // protected is left alone, so replicas moving it at once move it once. Merges into a mapping already at the new key.
    private const string ProtectScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('HEXISTS', KEYS[1], 'ps') == 1 then return 0 end
        local fields = redis.call('HGETALL', KEYS[1])
        local e = tonumber(ARGV[3])
        local x = false
        for i = 1, #fields, 2 do
          local f, v = fields[i], fields[i + 1]
          if f == 'e' then e = tonumber(v)
          elseif f == 'x' then x = v
          elseif string.sub(f, 1, 2) == 'a:' then redis.call('HSETNX', KEYS[2], f, v)
          elseif string.sub(f, 1, 2) == 'c:' then
            local c = redis.call('HGET', KEYS[2], f)
            if not c or tonumber(c) < tonumber(v) then redis.call('HSET', KEYS[2], f, v) end
          end
        end
        local ne = tonumber(redis.call('HGET', KEYS[2], 'e') or '0')
        if e > ne then ne = e end
        redis.call('HSET', KEYS[2], 'e', ne, 'ps', ARGV[6], 'ci', KEYS[4])
        local ttl = ne - tonumber(ARGV[3]) + tonumber(ARGV[4])
        if ttl < tonumber(ARGV[4]) then ttl = tonumber(ARGV[4]) end
        if KEYS[5] ~= '' and not redis.call('HGET', KEYS[2], 'u') then
          redis.call('HSET', KEYS[2], 'u', ARGV[5], 'x', KEYS[5])
          if ARGV[7] ~= '' then redis.call('HSET', KEYS[2], 'pu', ARGV[7]) end
          redis.call('SADD', KEYS[5], ARGV[2])
          if redis.call('PTTL', KEYS[5]) < ttl then redis.call('PEXPIRE', KEYS[5], ttl) end
        end
        redis.call('PEXPIRE', KEYS[2], ttl)
        if x then redis.call('SREM', x, ARGV[1]) end
        redis.call('ZREM', KEYS[3], ARGV[1])
        redis.call('ZADD', KEYS[3], ne, ARGV[2])
        redis.call('ZREM', KEYS[4], ARGV[1])
        redis.call('ZADD', KEYS[4], 0, ARGV[2])
        redis.call('DEL', KEYS[1])
        return 1
        """;

    // Note: one migration runs per process at startup (ProtectedSessionStore.ProtectExistingAsync), the only caller.
    private string _legacyCursor = "0";

    /// <summary>
    /// Walks the mapping keys with SCAN, resuming where the previous call stopped (one pass over the key space for a
    /// whole migration), and returns those without 'ps'. Empty once a pass from the start found none. The first call
    /// also applies the one-off part of the layout change (<see cref="UpgradeLayoutAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<UnprotectedSession>> ListUnprotectedAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        await UpgradeLayoutAsync(cancellationToken);
        var passStartedAtZero = _legacyCursor == "0";
        var found = await ContinueScanAsync(maxCount, cancellationToken);

        // Note: a pass that started mid-way ends without having seen the keys before its start: one more from zero.
        return found.Count == 0 && !passStartedAtZero ? await ContinueScanAsync(maxCount, cancellationToken) : found;
    }

    public Task ProtectAsync(UnprotectedSession existing, SessionKey key, string? subject, ProtectedIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(identity);
        var oldId = RedisKeys.MappingId(existing.Key);
        var newId = RedisKeys.MappingId(key);
        RedisKey[] keys =
        [
            _keys.Mapping(oldId), _keys.Mapping(newId), _keys.MappingExpiry, _keys.ClientIndex(key.Issuer, key.ClientId),
            subject is null ? "" : _keys.Subject(key.Issuer, key.ClientId, subject),
        ];
        RedisValue[] arguments = [oldId, newId, UnixMs.Now(time), (long)RedisKeys.ExpiryMargin.TotalMilliseconds, subject ?? "", identity.Sid, identity.Subject ?? ""];
        return connection.RunAsync("protect a session mapping stored in clear", database => database.ScriptEvaluateAsync(ProtectScript, keys, arguments));
    }

    private async Task<List<UnprotectedSession>> ContinueScanAsync(int maxCount, CancellationToken cancellationToken)
    {
        var found = new List<UnprotectedSession>();
        do
        {
            var (next, page) = await ReadUnprotectedPageAsync(_legacyCursor, cancellationToken);
            found.AddRange(page);
            _legacyCursor = next;
        }
        while (_legacyCursor != "0" && found.Count < maxCount);
        return found;
    }

    private Task<(string Next, List<UnprotectedSession> Page)> ReadUnprotectedPageAsync(string cursor, CancellationToken cancellationToken) =>
        connection.RunAsync("list session mappings stored in clear", async database =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var parts = (RedisResult[])(await database.ExecuteAsync("SCAN", cursor, "MATCH", _keys.MappingsPattern, "COUNT", ScanCount))!;
            var keys = ((RedisResult[])parts[1]!).Select(k => (string)k!).ToArray();
            var batch = database.CreateBatch();
            var reads = keys.Select(k => batch.HashGetAsync(k, ["ps", "u"])).ToArray();
            batch.Execute();
            await Task.WhenAll(reads);
            var page = new List<UnprotectedSession>();
            for (var i = 0; i < keys.Length; i++)
            {
                var values = reads[i].Result;
                var id = keys[i][_keys.Mapping("").Length..];
                if (values[0].IsNull && id.Split('|').Length == 3)
                {
                    var (issuer, clientId) = RedisKeys.IssuerAndClient(id);
                    page.Add(new UnprotectedSession(new SessionKey(issuer, clientId, RedisKeys.LastPart(id)), values[1].IsNull ? null : (string)values[1]!));
                }
            }

            return ((string)parts[0]!, page);
        });

    /// <summary>
    /// Once per key space (the replica that sets the layout version does it): forgets the observations, whose fields
    /// were sids in clear, and restarts the pages of pending fan-out jobs, whose cursor was a sid in clear.
    /// </summary>
    private Task UpgradeLayoutAsync(CancellationToken cancellationToken) =>
        connection.RunAsync("upgrade the key layout", async database =>
        {
            if (!await database.StringSetAsync(_keys.Layout, 2, when: When.NotExists))
            {
                return;
            }

            var cursor = "0";
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                var parts = (RedisResult[])(await database.ExecuteAsync("SCAN", cursor, "MATCH", _keys.ObservationsPattern, "COUNT", ScanCount))!;
                foreach (var key in (RedisResult[])parts[1]!)
                {
                    await database.KeyDeleteAsync((string)key!);
                }

                cursor = (string)parts[0]!;
            }
            while (cursor != "0");

            foreach (var job in await database.SortedSetRangeByRankAsync(_keys.FanOutPending))
            {
                await database.ScriptEvaluateAsync(
                    "if redis.call('HEXISTS', KEYS[1], 'cu') == 1 then redis.call('HSET', KEYS[1], 'cu', '') end return 1",
                    [_keys.FanOutJob((string)job!)]);
            }
        });
}
