using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

internal sealed partial class RedisOutboxStore
{
    // KEYS: dead zset. ARGV: max, entry prefix. One script, so the list is a consistent snapshot.
    private const string ListDeadScript = """
        local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
        local out = {}
        for i, id in ipairs(ids) do out[i] = { id, redis.call('HGETALL', ARGV[2] .. id) } end
        return out
        """;

    // KEYS: the client's pending zset. ARGV: entry prefix. Its first member is the oldest; the few after it are looked
    // at only should a member have lost its hash.
    private const string OldestPendingScript = """
        for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, 9)) do
          local fields = redis.call('HGETALL', ARGV[1] .. id)
          if #fields > 0 then return { id, fields } end
        end
        return false
        """;

    private const string CountScript = "return { redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]) }";

    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        if (maxCount <= 0)
        {
            return Task.FromResult<IReadOnlyList<DeadLetter>>([]);
        }

        return connection.RunAsync<IReadOnlyList<DeadLetter>>("list dead letters", async database =>
        {
            var result = await database.ScriptEvaluateAsync(ListDeadScript, [_keys.OutboxDead], [maxCount, _keys.OutboxEntryPrefix]);
            return [.. ((RedisResult[])result!).Select(pair => OutboxEntryFields.Read((RedisResult[])pair!))
                .Select(read => new DeadLetter(read.Entry, read.DeadReason ?? "", read.DeadAt ?? read.Entry.NextAttemptAt))];
        });
    }

    public Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default) =>
        connection.RunAsync("count deliveries", async database =>
        {
            var counts = (long[])(await database.ScriptEvaluateAsync(CountScript, [_keys.OutboxDue, _keys.OutboxDead]))!;
            return new OutboxCounts(counts[0], counts[1]);
        });

    public Task<OutboxEntry?> FindOldestPendingAsync(string issuer, string clientId, CancellationToken cancellationToken = default) =>
        connection.RunAsync("find the oldest pending delivery", async database =>
        {
            var result = await database.ScriptEvaluateAsync(OldestPendingScript, [_keys.OutboxPendingOfClient(issuer, clientId)], [_keys.OutboxEntryPrefix]);
            return result.IsNull ? null : OutboxEntryFields.Read((RedisResult[])result!).Entry;
        });
}
