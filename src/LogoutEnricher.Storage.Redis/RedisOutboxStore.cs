using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// The delivery outbox: one hash per entry, a sorted set of pending ids scored by when they may be leased and one of
/// dead letters scored by when they died. A lease moves the score to the end of the lease, so "due, not leased, or
/// lease expired" is a single range query, and leasing is one script: no entry goes to two replicas.
/// </summary>
internal sealed partial class RedisOutboxStore(RedisConnection connection, TimeProvider time) : IOutboxStore
{
    // KEYS: due zset. ARGV: entry prefix, then 10 values per entry (id and the fields of OutboxEntryFields.Names).
    private const string EnqueueScript = """
        for i = 2, #ARGV, 10 do
          local k = ARGV[1] .. ARGV[i]
          redis.call('DEL', k)
          redis.call('HSET', k, 'i', ARGV[i + 1], 'c', ARGV[i + 2], 'p', ARGV[i + 3], 'ca', ARGV[i + 4],
            'ea', ARGV[i + 5], 'n', ARGV[i + 6], 'na', ARGV[i + 7])
          if ARGV[i + 8] ~= '' then redis.call('HSET', k, 'h', string.sub(ARGV[i + 8], 2)) end
          if ARGV[i + 9] ~= '' then redis.call('HSET', k, 'le', string.sub(ARGV[i + 9], 2)) end
          redis.call('ZADD', KEYS[1], ARGV[i + 7], ARGV[i])
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

    // KEYS: entry, due zset, dead zset. ARGV: id.
    private const string CompleteScript = """
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
        return 1
        """;

    private readonly RedisKeys _keys = connection.Keys;

    public Task EnqueueAsync(IReadOnlyCollection<OutboxEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return Task.CompletedTask;
        }

        var arguments = new List<RedisValue>(1 + (10 * entries.Count)) { _keys.OutboxEntryPrefix };
        foreach (var entry in entries)
        {
            arguments.AddRange(OutboxEntryFields.ToArguments(entry));
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
