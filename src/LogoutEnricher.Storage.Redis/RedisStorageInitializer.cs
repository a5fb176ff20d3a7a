using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// Brings a store written by an earlier version up to date at startup. Redis has no schema; what it has is the
/// per-client pending sorted sets (<see cref="RedisKeys.OutboxPendingOfClient"/>) that
/// <see cref="IOutboxStore.FindOldestPendingAsync"/> reads: an entry accepted before they existed is in none, and
/// this adds it to its client's set, once per store (<see cref="RedisKeys.OutboxPendingBackfilled"/>).
/// </summary>
/// <remarks>
/// Note: unlike the SQL backends' initializers it does not throw when Redis does not answer. The host starts while
/// Redis is down (<see cref="RedisConnection"/>); the marker is then not written and the next start does the work.
/// Several replicas starting at once may both do it: every step is a script that changes only an entry still
/// without its set, so doing it twice changes nothing.
/// </remarks>
internal sealed class RedisStorageInitializer(RedisConnection connection, ILogger<RedisStorageInitializer> logger) : IStorageInitializer
{
    private const int BatchSize = 256;

    // KEYS: due zset. ARGV: entry prefix, then pairs of id and the client's pending zset. An entry that still exists
    // and has no 'pk' gets it; if it is pending (not dead, not completed) it joins its set, scored by when it was accepted.
    private const string BackfillScript = """
        local added = 0
        for i = 2, #ARGV, 2 do
          local k = ARGV[1] .. ARGV[i]
          if redis.call('EXISTS', k) == 1 and redis.call('HEXISTS', k, 'pk') == 0 then
            redis.call('HSET', k, 'pk', ARGV[i + 1])
            if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
              redis.call('ZADD', ARGV[i + 1], redis.call('HGET', k, 'ca'), ARGV[i])
              added = added + 1
            end
          end
        end
        return added
        """;

    private readonly RedisKeys _keys = connection.Keys;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var added = await connection.RunAsync("add earlier outbox entries to their client's pending set", async database =>
            {
                if (await database.KeyExistsAsync(_keys.OutboxPendingBackfilled))
                {
                    return -1;
                }

                // Dead letters get their set's name too, so that a retry puts them in it.
                var count = await BackfillAsync(database, _keys.OutboxDue, cancellationToken)
                    + await BackfillAsync(database, _keys.OutboxDead, cancellationToken);
                await database.StringSetAsync(_keys.OutboxPendingBackfilled, "1");
                return count;
            });
            if (added >= 0)
            {
                RedisLog.PendingSetsBackfilled(logger, added, _keys.Prefix);
            }
        }
        catch (StorageUnavailableException exception)
        {
            RedisLog.PendingSetsBackfillDeferred(logger, exception.InnerException?.GetType().Name ?? exception.GetType().Name);
        }
    }

    private async Task<int> BackfillAsync(IDatabase database, string sortedSet, CancellationToken cancellationToken)
    {
        var added = 0;
        var batch = new List<string>(BatchSize);
        // Note: SCAN returns every member present for the whole scan; one added meanwhile was enqueued with its set.
        await foreach (var member in database.SortedSetScanAsync(sortedSet, pageSize: BatchSize).WithCancellation(cancellationToken))
        {
            batch.Add(member.Element!);
            if (batch.Count == BatchSize)
            {
                added += await BackfillBatchAsync(database, batch);
                batch.Clear();
            }
        }

        return batch.Count == 0 ? added : added + await BackfillBatchAsync(database, batch);
    }

    private async Task<int> BackfillBatchAsync(IDatabase database, List<string> ids)
    {
        // The set's name embeds the escaped issuer and client, which only this side computes.
        var reads = ids.Select(id => database.HashGetAsync(_keys.OutboxEntryPrefix + id, ["i", "c", "pk"])).ToList();
        var arguments = new List<RedisValue> { _keys.OutboxEntryPrefix };
        for (var i = 0; i < ids.Count; i++)
        {
            var fields = await reads[i];
            if (fields[0].IsNull || fields[1].IsNull || !fields[2].IsNull)
            {
                continue;
            }

            arguments.Add(ids[i]);
            arguments.Add(_keys.OutboxPendingOfClient(fields[0]!, fields[1]!));
        }

        return arguments.Count == 1 ? 0 : (int)await database.ScriptEvaluateAsync(BackfillScript, [_keys.OutboxDue], [.. arguments]);
    }
}
