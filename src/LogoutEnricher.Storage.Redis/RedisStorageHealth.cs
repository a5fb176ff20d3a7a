namespace LogoutEnricher.Storage.Redis;

/// <summary>Readiness: the server answers PING now.</summary>
internal sealed class RedisStorageHealth(RedisConnection connection) : IStorageHealth
{
    public Task PingAsync(CancellationToken cancellationToken = default) =>
        connection.RunAsync("answer a health check", database => database.PingAsync());
}
