using System.Globalization;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// The logout trail: one hash per logout (<see cref="RedisKeys.TrailLogout"/>), one hash of its attempts, and a sorted
/// set of logouts by accepted-at that queries page through newest first. Each write is one script, so a logout's
/// summary always matches its attempts, whichever arrived first.
/// </summary>
/// <remarks>
/// Note: the purge (by age and count) is what enforces retention; the native time to live is only a safety net for
/// memory, so a trail whose purge stopped still empties itself (<see cref="SafetyNet"/>, longer than any retention allowed).
/// Filters other than time run in memory over the pages read, which the bounded size of the trail keeps cheap.
/// </remarks>
internal sealed class RedisLogoutTrailStore(RedisConnection connection) : ILogoutTrailStore
{
    /// <summary>Native time to live of every trail key.</summary>
    public static readonly TimeSpan SafetyNet = TimeSpan.FromDays(32);

    // KEYS: index, logout, attempts. ARGV: id, accepted, issuer, client, source, sid hash, app sessions, !reason, !subject hash, !protected subject, outcome, ttl.
    private const string LogoutScript = """
        if redis.call('HEXISTS', KEYS[2], 'a') == 1 then return 0 end
        redis.call('HSET', KEYS[2], 'a', ARGV[2], 'i', ARGV[3], 'c', ARGV[4], 's', ARGV[5], 'sh', ARGV[6], 'n', ARGV[7])
        if ARGV[8] ~= '' then redis.call('HSET', KEYS[2], 'r', string.sub(ARGV[8], 2)) end
        if ARGV[9] ~= '' then redis.call('HSET', KEYS[2], 'uh', string.sub(ARGV[9], 2)) end
        if ARGV[10] ~= '' then redis.call('HSET', KEYS[2], 'pu', string.sub(ARGV[10], 2)) end
        redis.call('HSETNX', KEYS[2], 'o', ARGV[11])
        redis.call('HSETNX', KEYS[2], 'k', 0)
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('PEXPIRE', KEYS[2], ARGV[12])
        return 1
        """;

    // KEYS: logout, attempts. ARGV: sequence, encoded attempt, at, number, outcome, last error ('' when delivered), ttl.
    private const string AttemptScript = """
        if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
        redis.call('PEXPIRE', KEYS[2], ARGV[7])
        redis.call('HSET', KEYS[1], 'k', redis.call('HLEN', KEYS[2]))
        local la = tonumber(redis.call('HGET', KEYS[1], 'la') or '-1')
        local ln = tonumber(redis.call('HGET', KEYS[1], 'ln') or '-1')
        local at = tonumber(ARGV[3])
        local n = tonumber(ARGV[4])
        if at > la or (at == la and n >= ln) then
          redis.call('HSET', KEYS[1], 'la', ARGV[3], 'ln', ARGV[4], 'o', ARGV[5])
          if ARGV[6] == '' then redis.call('HDEL', KEYS[1], 'e') else redis.call('HSET', KEYS[1], 'e', ARGV[6]) end
        end
        if ARGV[5] == 'delivered' and at > tonumber(redis.call('HGET', KEYS[1], 'd') or '-1') then
          redis.call('HSET', KEYS[1], 'd', ARGV[3])
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[7])
        return 1
        """;

    private const int Page = 200;

    private readonly RedisKeys _keys = connection.Keys;

    public Task AppendAsync(IReadOnlyList<TrailLogout> logouts, IReadOnlyList<TrailAttempt> attempts, CancellationToken cancellationToken = default)
    {
        if (logouts.Count == 0 && attempts.Count == 0)
        {
            return Task.CompletedTask;
        }

        var ttl = (long)SafetyNet.TotalMilliseconds;
        return connection.RunAsync("append to the logout trail", async database =>
        {
            // Note: pipelined (sent together, one round trip); each script is atomic on its own.
            var writes = new List<Task>(logouts.Count + attempts.Count);
            foreach (var l in logouts)
            {
                writes.Add(database.ScriptEvaluateAsync(LogoutScript, [_keys.TrailLogouts, _keys.TrailLogout(l.Id), _keys.TrailAttempts(l.Id)],
                [
                    l.Id, UnixMs.Of(l.AcceptedAt), l.Issuer, l.ClientId, l.Source, l.SidHash, l.AppSessions,
                    Optional(l.Reason), Optional(l.SubjectHash), Optional(l.ProtectedSubject), l.Outcome.Name(), ttl,
                ]));
            }

            foreach (var a in attempts)
            {
                writes.Add(database.ScriptEvaluateAsync(AttemptScript, [_keys.TrailLogout(a.LogoutId), _keys.TrailAttempts(a.LogoutId)],
                [
                    a.Sequence, Encode(a), UnixMs.Of(a.At), a.Number, a.Outcome.Name(),
                    a.Outcome == TrailOutcome.Delivered ? "" : a.Error ?? $"HTTP {a.StatusCode}", ttl,
                ]));
            }

            await Task.WhenAll(writes);
        });
    }

    public Task<IReadOnlyList<TrailLogout>> QueryAsync(TrailQuery query, CancellationToken cancellationToken = default) =>
        connection.RunAsync<IReadOnlyList<TrailLogout>>("query the logout trail", async database =>
        {
            var found = new List<TrailLogout>();
            double min = query.From is { } from ? UnixMs.Of(from) : double.NegativeInfinity;
            double max = query.To is { } to ? UnixMs.Of(to) : double.PositiveInfinity;
            var exclude = query.To is null ? Exclude.None : Exclude.Stop;
            if (query.After is { } after && UnixMs.Of(after.AcceptedAt) <= max)
            {
                max = UnixMs.Of(after.AcceptedAt);
                exclude = Exclude.None;
            }

            for (var skip = 0L; found.Count < query.Limit && !cancellationToken.IsCancellationRequested; skip += Page)
            {
                var ids = await database.SortedSetRangeByScoreAsync(_keys.TrailLogouts, min, max, exclude, Order.Descending, skip, Page);
                foreach (var logout in await ReadAllAsync(database, ids))
                {
                    if (query.Matches(logout) && found.Count < query.Limit)
                    {
                        found.Add(logout);
                    }
                }

                if (ids.Length < Page)
                {
                    break;
                }
            }

            return found;
        });

    public Task<TrailLogout?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        connection.RunAsync("find a logout in the trail", async database => Read(id, await database.HashGetAllAsync(_keys.TrailLogout(id))));

    public Task<IReadOnlyList<TrailAttempt>> AttemptsAsync(string logoutId, CancellationToken cancellationToken = default) =>
        connection.RunAsync<IReadOnlyList<TrailAttempt>>("read a logout's attempts", async database =>
            [.. (await database.HashGetAllAsync(_keys.TrailAttempts(logoutId)))
                .Select(e => Decode(logoutId, e.Name!, e.Value!))
                .OrderBy(a => a.At).ThenBy(a => a.Number).ThenBy(a => a.Sequence, StringComparer.Ordinal)]);

    public Task<int> PurgeAsync(DateTimeOffset before, int maxRecords, CancellationToken cancellationToken = default) =>
        connection.RunAsync("purge the logout trail", async database =>
        {
            var old = await database.SortedSetRangeByScoreAsync(_keys.TrailLogouts, double.NegativeInfinity, UnixMs.Of(before), Exclude.Stop, Order.Ascending, 0, LogoutTrailPurge.BatchSize);
            var count = await database.SortedSetLengthAsync(_keys.TrailLogouts);
            var overflow = count - old.Length - maxRecords;
            var extra = overflow > 0
                ? await database.SortedSetRangeByRankAsync(_keys.TrailLogouts, old.Length, old.Length + Math.Min(overflow, LogoutTrailPurge.BatchSize) - 1, Order.Ascending)
                : [];
            var ids = old.Concat(extra).Select(id => (string)id!).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count == 0)
            {
                return 0;
            }

            await database.KeyDeleteAsync([.. ids.SelectMany(id => new RedisKey[] { _keys.TrailLogout(id), _keys.TrailAttempts(id) })]);
            await database.SortedSetRemoveAsync(_keys.TrailLogouts, [.. ids.Select(id => (RedisValue)id)]);
            return ids.Count;
        });

    private async Task<List<TrailLogout>> ReadAllAsync(IDatabase database, RedisValue[] ids)
    {
        var reads = ids.Select(id => (Id: (string)id!, Fields: database.HashGetAllAsync(_keys.TrailLogout((string)id!)))).ToList();
        await Task.WhenAll(reads.Select(r => r.Fields));
        var logouts = new List<TrailLogout>(reads.Count);
        foreach (var (id, fields) in reads)
        {
            if (Read(id, await fields) is { } logout)
            {
                logouts.Add(logout);
            }
        }

        return logouts;
    }

    private static string Optional(string? value) => value is null ? "" : "!" + value;

    private static TrailLogout? Read(string id, HashEntry[] entries)
    {
        var f = entries.ToDictionary(e => (string)e.Name!, e => (string?)e.Value, StringComparer.Ordinal);
        if (!f.TryGetValue("a", out var accepted))
        {
            return null;
        }

        return new TrailLogout(
            id,
            UnixMs.Parse(accepted!),
            f["i"]!,
            f["c"]!,
            f["s"]!,
            f.GetValueOrDefault("r"),
            f["sh"]!,
            f.GetValueOrDefault("uh"),
            f.GetValueOrDefault("pu"),
            int.Parse(f["n"]!, CultureInfo.InvariantCulture),
            TrailOutcomeNames.Parse(f["o"]!),
            int.Parse(f.GetValueOrDefault("k") ?? "0", CultureInfo.InvariantCulture),
            f.GetValueOrDefault("d") is { } delivered ? UnixMs.Parse(delivered) : null,
            f.GetValueOrDefault("e"));
    }

    private static string Encode(TrailAttempt a) => string.Join('|',
        a.Number.ToString(CultureInfo.InvariantCulture),
        UnixMs.Of(a.At).ToString(CultureInfo.InvariantCulture),
        a.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "",
        a.Duration.TotalMilliseconds.ToString("R", CultureInfo.InvariantCulture),
        a.Outcome.Name(),
        a.Error is null ? "" : "!" + a.Error);

    private static TrailAttempt Decode(string logoutId, string sequence, string value)
    {
        var p = value.Split('|', 6);
        return new TrailAttempt(
            logoutId,
            sequence,
            int.Parse(p[0], CultureInfo.InvariantCulture),
            UnixMs.Parse(p[1]),
            p[2].Length == 0 ? null : int.Parse(p[2], CultureInfo.InvariantCulture),
            p[5].Length == 0 ? null : p[5][1..],
            TimeSpan.FromMilliseconds(double.Parse(p[3], CultureInfo.InvariantCulture)),
            TrailOutcomeNames.Parse(p[4]));
    }
}
