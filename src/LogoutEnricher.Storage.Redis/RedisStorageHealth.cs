namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// Readiness: the server takes a write now. A PING alone stays green on a server that refuses writes (out of memory
/// under <c>maxmemory</c> with <c>noeviction</c>, a replica after a failover, a read-only ACL), so the probe sets one
/// small key that expires by itself.
/// </summary>
internal sealed class RedisStorageHealth(RedisConnection connection, TimeProvider time) : IStorageHealth
{
    public Task PingAsync(CancellationToken cancellationToken = default) =>
        connection.RunAsync("write a readiness probe", database =>
            database.StringSetAsync(connection.Keys.ReadinessProbe, UnixMs.Now(time), TimeSpan.FromMinutes(1)));
}
