namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// The purge shared by mappings and the replay cache: each kind keeps a sorted set of ids scored by their logical
/// expiry, and the purge deletes due entries a batch per script call, so Redis never blocks long on one purge.
/// </summary>
internal static class RedisExpiryIndex
{
    public const int BatchSize = 1000;

    // KEYS: expiry zset. ARGV: now, batch size, entry key prefix. An entry hash may name its subject set in 'x' and its client index in 'ci'.
    private const string PurgeScript = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        for _, id in ipairs(ids) do
          local k = ARGV[3] .. id
          local x = redis.call('HGET', k, 'x')
          if x then redis.call('SREM', x, id) end
          local ci = redis.call('HGET', k, 'ci')
          if ci then redis.call('ZREM', ci, id) end
          redis.call('DEL', k)
          redis.call('ZREM', KEYS[1], id)
        end
        return #ids
        """;

    public static async Task<int> PurgeAsync(RedisConnection connection, string index, string entryPrefix, DateTimeOffset now, string operation, CancellationToken cancellationToken)
    {
        var total = 0;
        int purged;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            purged = await connection.RunAsync(operation, async database =>
                (int)await database.ScriptEvaluateAsync(PurgeScript, [index], [UnixMs.Of(now), BatchSize, entryPrefix]));
            total += purged;
        }
        while (purged == BatchSize);

        return total;
    }
}
