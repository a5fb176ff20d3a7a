using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>Cursors in one hash, a small hash per lease decided by a script, and one hash of observations per client.</summary>
internal sealed class RedisReconciliationStore(RedisConnection connection, TimeProvider time) : IReconciliationStore
{
    // KEYS: lease. ARGV: owner, until, now, ttl. Taken when free, expired, or already ours.
    private const string AcquireScript = """
        local o = redis.call('HGET', KEYS[1], 'o')
        local e = redis.call('HGET', KEYS[1], 'e')
        if o and o ~= ARGV[1] and e and tonumber(e) > tonumber(ARGV[3]) then return 0 end
        redis.call('HSET', KEYS[1], 'o', ARGV[1], 'e', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    // KEYS: lease. ARGV: owner.
    private const string ReleaseScript = """
        if redis.call('HGET', KEYS[1], 'o') == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """;

    private readonly RedisKeys _keys = connection.Keys;

    public Task<string?> GetCursorAsync(string name, CancellationToken cancellationToken = default) =>
        connection.RunAsync("read a reconciliation cursor", async database =>
        {
            var value = await database.HashGetAsync(_keys.ReconciliationCursors, name);
            return value.IsNull ? null : (string?)value;
        });

    // Note: durable as far as the server's persistence goes (appendfsync), as for every Redis write here.
    public Task SetCursorAsync(string name, string value, CancellationToken cancellationToken = default) =>
        connection.RunAsync("save a reconciliation cursor", database => database.HashSetAsync(_keys.ReconciliationCursors, name, value));

    public Task<bool> TryAcquireLeaseAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        RedisValue[] arguments = [owner, UnixMs.Of(now + duration), UnixMs.Of(now), (long)(duration + RedisKeys.ExpiryMargin).TotalMilliseconds];
        return connection.RunAsync("take a reconciliation lease", async database =>
            (int)await database.ScriptEvaluateAsync(AcquireScript, [_keys.ReconciliationLease(name)], arguments) == 1);
    }

    public Task ReleaseLeaseAsync(string name, string owner, CancellationToken cancellationToken = default) =>
        connection.RunAsync("release a reconciliation lease", database =>
            database.ScriptEvaluateAsync(ReleaseScript, [_keys.ReconciliationLease(name)], [owner]));

    public Task<IReadOnlyDictionary<string, DateTimeOffset>> GetObservationsAsync(string issuer, string clientId, CancellationToken cancellationToken = default) =>
        connection.RunAsync<IReadOnlyDictionary<string, DateTimeOffset>>("read reconciliation observations", async database =>
        {
            var entries = await database.HashGetAllAsync(_keys.ReconciliationObservations(issuer, clientId));
            return entries.ToDictionary(e => (string)e.Name!, e => UnixMs.From(e.Value), StringComparer.Ordinal);
        });

    public Task AddObservationsAsync(string issuer, string clientId, IReadOnlyCollection<string> sids, DateTimeOffset observedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sids);
        var key = _keys.ReconciliationObservations(issuer, clientId);
        return sids.Count == 0 ? Task.CompletedTask : connection.RunAsync("record reconciliation observations", async database =>
        {
            var batch = database.CreateBatch();
            var writes = sids.Select(sid => batch.HashSetAsync(key, sid, UnixMs.Of(observedAt), When.NotExists)).ToArray();
            batch.Execute();
            await Task.WhenAll(writes);
        });
    }

    public Task RemoveObservationsAsync(string issuer, string clientId, IReadOnlyCollection<string> sids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sids);
        return sids.Count == 0 ? Task.CompletedTask : connection.RunAsync("remove reconciliation observations", database =>
            database.HashDeleteAsync(_keys.ReconciliationObservations(issuer, clientId), [.. sids.Select(s => (RedisValue)s)]));
    }
}
