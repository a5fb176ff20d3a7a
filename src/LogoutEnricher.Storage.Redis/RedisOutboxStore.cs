using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// The delivery outbox: one hash per entry, a sorted set of pending ids scored by when they may be leased and one of
/// dead letters scored by when they died. A lease moves the score to the end of the lease, so "due, not leased, or
/// lease expired" is a single range query, and leasing is one script: no entry goes to two replicas.
/// </summary>
internal sealed partial class RedisOutboxStore(RedisConnection connection, TimeProvider time) : IOutboxStore
{
    // KEYS: due zset. ARGV: entry prefix, then 11 values per entry (id and the fields of OutboxEntryFields.ToArguments,
    // then the client's pending zset).
    private const string EnqueueScript = """
        for i = 2, #ARGV, 11 do
          local k = ARGV[1] .. ARGV[i]
          local previous = redis.call('HGET', k, 'pk')
          if previous then redis.call('ZREM', previous, ARGV[i]) end
          redis.call('DEL', k)
          redis.call('HSET', k, 'i', ARGV[i + 1], 'c', ARGV[i + 2], 'p', ARGV[i + 3], 'ca', ARGV[i + 4],
            'ea', ARGV[i + 5], 'n', ARGV[i + 6], 'na', ARGV[i + 7], 'pk', ARGV[i + 10])
          if ARGV[i + 8] ~= '' then redis.call('HSET', k, 'h', string.sub(ARGV[i + 8], 2)) end
          if ARGV[i + 9] ~= '' then redis.call('HSET', k, 'le', string.sub(ARGV[i + 9], 2)) end
          redis.call('ZADD', KEYS[1], ARGV[i + 7], ARGV[i])
          redis.call('ZADD', ARGV[i + 10], ARGV[i + 4], ARGV[i])
        end
        return 1
        """;

    // KEYS: due zset. ARGV: now, lease end, max, entry prefix, owner.
    private const string LeaseScript = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        local out = {}
        for i, id in ipairs(ids) do
          redis.call('ZADD', KEYS[1], ARGV[2], id)
          redis.call('HSET', ARGV[4] .. id, 'lo', ARGV[5])
          out[i] = { id, redis.call('HGETALL', ARGV[4] .. id) }
        end
        return out
        """;

    // KEYS: due zset. ARGV: now, entry prefix, owner. A leased entry is scored by its lease end (in the future), so only
    // those are looked at; each of the owner's goes back to its next-attempt score.
    // Note: runs once per start of a replica with a stable identity, over the entries not due yet.
    private const string ReleaseLeasesScript = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')
        local released = 0
        for _, id in ipairs(ids) do
          local k = ARGV[2] .. id
          if redis.call('HGET', k, 'lo') == ARGV[3] then
            redis.call('ZADD', KEYS[1], redis.call('HGET', k, 'na'), id)
            redis.call('HDEL', k, 'lo')
            released = released + 1
          end
        end
        return released
        """;

    // KEYS: entry, due zset, dead zset. ARGV: id.
    // Note: an entry accepted before the per-client zsets existed has no 'pk'; it simply is in none.
    private const string CompleteScript = """
        local pk = redis.call('HGET', KEYS[1], 'pk')
        if pk then redis.call('ZREM', pk, ARGV[1]) end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('ZREM', KEYS[3], ARGV[1])
        return 1
        """;

    // KEYS: entry, due zset. ARGV: id, attempts, next, error. A dead or completed entry is left alone.
    private const string RescheduleScript = """
        if redis.call('ZSCORE', KEYS[2], ARGV[1]) == false then return 0 end
        redis.call('HSET', KEYS[1], 'n', ARGV[2], 'na', ARGV[3], 'le', ARGV[4])
        redis.call('HDEL', KEYS[1], 'lo')
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        return 1
        """;

    // KEYS: entry, due zset, dead zset. ARGV: id, attempts, reason, now.
    private const string DeadLetterScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('ZREM', KEYS[2], ARGV[1])
        local pk = redis.call('HGET', KEYS[1], 'pk')
        if pk then redis.call('ZREM', pk, ARGV[1]) end
        redis.call('HSET', KEYS[1], 'n', ARGV[2], 'dr', ARGV[3], 'da', ARGV[4])
        redis.call('HDEL', KEYS[1], 'lo')
        redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
        return 1
        """;

    // KEYS: entry, due zset, dead zset. ARGV: id, now.
    private const string RetryScript = """
        if redis.call('ZREM', KEYS[3], ARGV[1]) == 0 then return 0 end
        redis.call('HDEL', KEYS[1], 'dr', 'da')
        redis.call('HSET', KEYS[1], 'na', ARGV[2])
        redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
        local pk = redis.call('HGET', KEYS[1], 'pk')
        if pk then redis.call('ZADD', pk, redis.call('HGET', KEYS[1], 'ca'), ARGV[1]) end
        return 1
        """;

    private readonly RedisKeys _keys = connection.Keys;

    public Task<int> ReleaseLeasesAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return connection.RunAsync("release outbox leases", async database =>
            (int)await database.ScriptEvaluateAsync(ReleaseLeasesScript, [_keys.OutboxDue], [UnixMs.Now(time), _keys.OutboxEntryPrefix, owner]));
    }

    public Task EnqueueAsync(IReadOnlyCollection<OutboxEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return Task.CompletedTask;
        }

        var arguments = new List<RedisValue>(1 + (11 * entries.Count)) { _keys.OutboxEntryPrefix };
        foreach (var entry in entries)
        {
            arguments.AddRange(OutboxEntryFields.ToArguments(entry));
            arguments.Add(_keys.OutboxPendingOfClient(entry.Issuer, entry.ClientId));
        }

        return connection.RunAsync("enqueue deliveries", database =>
            database.ScriptEvaluateAsync(EnqueueScript, [_keys.OutboxDue], [.. arguments]));
    }

    public Task<IReadOnlyList<OutboxEntry>> LeaseAsync(string owner, int maxCount, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        RedisValue[] arguments = [UnixMs.Of(now), UnixMs.Of(now + leaseDuration), maxCount, _keys.OutboxEntryPrefix, owner];
        return connection.RunAsync<IReadOnlyList<OutboxEntry>>("lease deliveries", async database =>
        {
            var result = await database.ScriptEvaluateAsync(LeaseScript, [_keys.OutboxDue], arguments);
            return [.. ((RedisResult[])result!).Select(pair => OutboxEntryFields.Read((RedisResult[])pair!).Entry)];
        });
    }

    public Task CompleteAsync(string id, CancellationToken cancellationToken = default) =>
        connection.RunAsync("complete a delivery", database =>
            database.ScriptEvaluateAsync(CompleteScript, [_keys.OutboxEntryPrefix + id, _keys.OutboxDue, _keys.OutboxDead], [id]));

    public Task RescheduleAsync(string id, int attempts, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken = default) =>
        connection.RunAsync("reschedule a delivery", database =>
            database.ScriptEvaluateAsync(RescheduleScript, [_keys.OutboxEntryPrefix + id, _keys.OutboxDue], [id, attempts, UnixMs.Of(nextAttemptAt), lastError]));

    public Task DeadLetterAsync(string id, int attempts, string reason, CancellationToken cancellationToken = default) =>
        connection.RunAsync("dead-letter a delivery", database =>
            database.ScriptEvaluateAsync(DeadLetterScript, [_keys.OutboxEntryPrefix + id, _keys.OutboxDue, _keys.OutboxDead], [id, attempts, reason, UnixMs.Now(time)]));

    public Task<bool> RetryDeadLetterAsync(string id, CancellationToken cancellationToken = default) =>
        connection.RunAsync("retry a dead letter", async database =>
            (int)await database.ScriptEvaluateAsync(RetryScript, [_keys.OutboxEntryPrefix + id, _keys.OutboxDue, _keys.OutboxDead], [id, UnixMs.Now(time)]) == 1);
}
