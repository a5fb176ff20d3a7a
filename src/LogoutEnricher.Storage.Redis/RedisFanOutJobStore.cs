using System.Globalization;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// Fan-out jobs: one hash per job, a sorted set of pending jobs scored by when they can be leased (creation, then the
/// end of each lease), one of all jobs by creation and one per finished state by finish time. Every state change is
/// one script, so two replicas never hold one job.
/// </summary>
internal sealed class RedisFanOutJobStore(RedisConnection connection, TimeProvider time) : IFanOutJobStore
{
    // KEYS: job, pending, all. ARGV: id, issuer, client, action, action id, not before, captured before, created.
    private const string CreateScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'i', ARGV[2], 'c', ARGV[3], 'a', ARGV[4], 'ai', ARGV[5], 'nb', ARGV[6], 'cb', ARGV[7],
          'ca', ARGV[8], 's', 0, 'n', 0, 'ua', ARGV[8])
        redis.call('ZADD', KEYS[2], ARGV[8], ARGV[1])
        redis.call('ZADD', KEYS[3], ARGV[8], ARGV[1])
        return 1
        """;

    // KEYS: pending. ARGV: now, lease end, job prefix, owner.
    private const string LeaseScript = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1)
        if #ids == 0 then return false end
        local k = ARGV[3] .. ids[1]
        redis.call('ZADD', KEYS[1], ARGV[2], ids[1])
        redis.call('HSET', k, 'lo', ARGV[4], 'lu', ARGV[2])
        return { ids[1], redis.call('HGETALL', k) }
        """;

    // KEYS: job, pending. ARGV: id, owner, now, lease end, cursor, sessions.
    private const string AdvanceScript = """
        local f = redis.call('HMGET', KEYS[1], 's', 'lo', 'lu')
        if f[1] ~= '0' or f[2] ~= ARGV[2] or tonumber(f[3]) <= tonumber(ARGV[3]) then return 0 end
        redis.call('HSET', KEYS[1], 'cu', ARGV[5], 'n', ARGV[6], 'ua', ARGV[3], 'lu', ARGV[4])
        redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
        return 1
        """;

    // KEYS: job, pending, finished set of the state. ARGV: id, owner, now, state, error.
    private const string FinishScript = """
        local f = redis.call('HMGET', KEYS[1], 's', 'lo', 'lu')
        if f[1] ~= '0' or f[2] ~= ARGV[2] or tonumber(f[3]) <= tonumber(ARGV[3]) then return 0 end
        redis.call('HSET', KEYS[1], 's', ARGV[4], 'ua', ARGV[3])
        redis.call('HDEL', KEYS[1], 'lo', 'lu')
        if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'e', string.sub(ARGV[5], 2)) end
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
        return 1
        """;

    // KEYS: all, done, failed. ARGV: before, job prefix.
    private const string PurgeScript = """
        local n = 0
        for s = 2, 3 do
          local ids = redis.call('ZRANGEBYSCORE', KEYS[s], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 1000)
          for _, id in ipairs(ids) do
            redis.call('DEL', ARGV[2] .. id)
            redis.call('ZREM', KEYS[s], id)
            redis.call('ZREM', KEYS[1], id)
            n = n + 1
          end
        end
        return n
        """;

    private readonly RedisKeys _keys = connection.Keys;

    public Task<bool> TryCreateAsync(FanOutJob job, CancellationToken cancellationToken = default) =>
        connection.RunAsync("create a fan-out job", async database => (int)await database.ScriptEvaluateAsync(CreateScript,
            [_keys.FanOutJob(job.Id), _keys.FanOutPending, _keys.FanOutAll],
            [job.Id, job.Issuer, job.ClientId, job.Action, job.ActionId, job.NotBefore, UnixMs.Of(job.CapturedBefore), UnixMs.Of(job.CreatedAt)]) == 1);

    public Task<FanOutJob?> LeaseAsync(string owner, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        return connection.RunAsync("lease a fan-out job", async database =>
        {
            var result = await database.ScriptEvaluateAsync(LeaseScript, [_keys.FanOutPending],
                [UnixMs.Of(now), UnixMs.Of(now + leaseDuration), _keys.FanOutJob(""), owner]);
            if (result.IsNull)
            {
                return null;
            }

            var parts = (RedisResult[])result!;
            return Read((string)parts[0]!, ToEntries((RedisResult[])parts[1]!));
        });
    }

    public Task<bool> AdvanceAsync(string id, string owner, string cursor, long sessions, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        return connection.RunAsync("advance a fan-out job", async database => (int)await database.ScriptEvaluateAsync(AdvanceScript,
            [_keys.FanOutJob(id), _keys.FanOutPending], [id, owner, UnixMs.Of(now), UnixMs.Of(now + leaseDuration), cursor, sessions]) == 1);
    }

    public Task<bool> FinishAsync(string id, string owner, FanOutJobState state, string? error, CancellationToken cancellationToken = default) =>
        connection.RunAsync("finish a fan-out job", async database => (int)await database.ScriptEvaluateAsync(FinishScript,
            [_keys.FanOutJob(id), _keys.FanOutPending, _keys.FanOutFinished((int)state)],
            [id, owner, UnixMs.Now(time), (int)state, error is null ? "" : "!" + error]) == 1);

    public Task<FanOutJob?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        connection.RunAsync("find a fan-out job", async database =>
        {
            var entries = await database.HashGetAllAsync(_keys.FanOutJob(id));
            return entries.Length == 0 ? null : Read(id, entries);
        });

    public Task<IReadOnlyList<FanOutJob>> ListAsync(int maxCount, CancellationToken cancellationToken = default) =>
        connection.RunAsync<IReadOnlyList<FanOutJob>>("list fan-out jobs", async database =>
        {
            var ids = await database.SortedSetRangeByRankAsync(_keys.FanOutAll, 0, maxCount - 1, Order.Descending);
            var reads = ids.Select(id => (Id: (string)id!, Fields: database.HashGetAllAsync(_keys.FanOutJob((string)id!)))).ToList();
            await Task.WhenAll(reads.Select(r => r.Fields));
            var jobs = new List<FanOutJob>();
            foreach (var (id, fields) in reads)
            {
                if ((await fields) is { Length: > 0 } entries)
                {
                    jobs.Add(Read(id, entries));
                }
            }

            return jobs;
        });

    public Task<FanOutJobCounts> CountAsync(CancellationToken cancellationToken = default) =>
        connection.RunAsync("count fan-out jobs", async database =>
        {
            var pending = database.SortedSetLengthAsync(_keys.FanOutPending);
            var done = database.SortedSetLengthAsync(_keys.FanOutFinished((int)FanOutJobState.Done));
            var failed = database.SortedSetLengthAsync(_keys.FanOutFinished((int)FanOutJobState.Failed));
            return new FanOutJobCounts(await pending, await done, await failed);
        });

    public async Task<int> PurgeFinishedAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var total = 0;
        int purged;
        do
        {
            purged = await connection.RunAsync("purge finished fan-out jobs", async database => (int)await database.ScriptEvaluateAsync(PurgeScript,
                [_keys.FanOutAll, _keys.FanOutFinished((int)FanOutJobState.Done), _keys.FanOutFinished((int)FanOutJobState.Failed)],
                [UnixMs.Of(before), _keys.FanOutJob("")]));
            total += purged;
        }
        while (purged > 0 && !cancellationToken.IsCancellationRequested);

        return total;
    }

    private static HashEntry[] ToEntries(RedisResult[] flat)
    {
        var entries = new HashEntry[flat.Length / 2];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new HashEntry((string)flat[2 * i]!, (RedisValue)flat[(2 * i) + 1]);
        }

        return entries;
    }

    private static FanOutJob Read(string id, HashEntry[] entries)
    {
        var f = entries.ToDictionary(e => (string)e.Name!, e => (string?)e.Value, StringComparer.Ordinal);
        return new FanOutJob(
            id,
            f["i"]!,
            f["c"]!,
            f["a"]!,
            f["ai"]!,
            long.Parse(f["nb"]!, CultureInfo.InvariantCulture),
            UnixMs.Parse(f["cb"]!),
            UnixMs.Parse(f["ca"]!),
            (FanOutJobState)int.Parse(f["s"]!, CultureInfo.InvariantCulture),
            f.GetValueOrDefault("cu"),
            long.Parse(f["n"]!, CultureInfo.InvariantCulture),
            f.GetValueOrDefault("e"),
            UnixMs.Parse(f["ua"]!));
    }
}
