using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// The one <see cref="ConnectionMultiplexer"/> of the process, connected on first use. Note: AbortOnConnectFail is
/// off, so a Redis that is down at startup or goes away later is reconnected in the background; meanwhile commands
/// fail fast (no backlog) and surface as <see cref="StorageUnavailableException"/>, so callers answer 503 at once
/// instead of queueing behind an outage.
/// </summary>
internal sealed class RedisConnection(RedisStorageOptions options) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Task<ConnectionMultiplexer>? _connecting;

    public RedisKeys Keys { get; } = new(options.KeyPrefix);

    /// <summary>Runs <paramref name="action"/> and wraps driver failures; <paramref name="operation"/> ends up in logs.</summary>
    public async Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> action)
    {
        try
        {
            var multiplexer = await GetAsync();
            return await action(multiplexer.GetDatabase());
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException or RedisConnectionException)
        {
            throw new StorageUnavailableException($"Redis storage could not {operation}.", ex);
        }
    }

    public Task RunAsync(string operation, Func<IDatabase, Task> action) =>
        RunAsync(operation, async database =>
        {
            await action(database);
            return true;
        });

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_gate)
        {
            connecting = _connecting;
            _connecting = null;
        }

        if (connecting is { IsCompletedSuccessfully: true })
        {
            await connecting.Result.DisposeAsync();
        }
    }

    private Task<ConnectionMultiplexer> GetAsync()
    {
        lock (_gate)
        {
            // Note: a failed attempt (a bad configuration string, say) is not cached, so the next call tries again.
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = ConnectAsync();
            }

            return _connecting;
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ClientName ??= "logoutenricher";
        // Note: the client library's own gate for INFO and CONFIG, which the durability check reads (CONFIG GET only);
        // it grants nothing on the server, whose ACL still decides.
        configuration.AllowAdmin = true;
        return await ConnectionMultiplexer.ConnectAsync(configuration);
    }
}
