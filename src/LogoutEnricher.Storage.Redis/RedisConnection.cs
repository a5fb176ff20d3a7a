using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// The process's connections to Redis, two lanes each connected on first use: one for the calls of requests a client
/// is waiting on (<see cref="StorageWaitBudget.ForRequest"/>), one for background work. A multiplexed connection
/// answers its commands in order, so a single logout's commands queued on the connection that carries a fan-out's
/// pipelined writes would wait for all of them (each fsync'd with <c>appendfsync always</c>); on their own connection
/// Redis serves them in its next turn. Note: AbortOnConnectFail is off, so a Redis that is down at startup or goes
/// away later is reconnected in the background; meanwhile commands fail fast (no backlog) and surface as
/// <see cref="StorageUnavailableException"/>, so callers answer 503 at once instead of queueing behind an outage.
/// </summary>
internal sealed class RedisConnection(RedisStorageOptions options) : IAsyncDisposable
{
    private readonly Lane _requests = new(options, background: false);
    private readonly Lane _background = new(options, background: true);

    public RedisKeys Keys { get; } = new(options.KeyPrefix);

    /// <summary>Runs <paramref name="action"/> and wraps driver failures; <paramref name="operation"/> ends up in logs.</summary>
    public async Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> action)
    {
        try
        {
            var multiplexer = await (StorageWaitBudget.ForRequest ? _requests : _background).GetAsync();
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
        await _requests.DisposeAsync();
        await _background.DisposeAsync();
    }

    /// <summary>One multiplexer, connected on first use.</summary>
    private sealed class Lane(RedisStorageOptions options, bool background) : IAsyncDisposable
    {
        private readonly Lock _gate = new();
        private Task<ConnectionMultiplexer>? _connecting;

        public Task<ConnectionMultiplexer> GetAsync()
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

        private async Task<ConnectionMultiplexer> ConnectAsync()
        {
            var configuration = ConfigurationOptions.Parse(options.Configuration);
            configuration.AbortOnConnectFail = false;
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
            configuration.ClientName ??= "logoutenricher";
            if (background)
            {
                // Operators see the two lanes apart in CLIENT LIST.
                configuration.ClientName += "-background";
            }

            // Note: the client library's own gate for INFO and CONFIG, which the durability check reads (CONFIG GET
            // only); it grants nothing on the server, whose ACL still decides.
            configuration.AllowAdmin = true;
            return await ConnectionMultiplexer.ConnectAsync(configuration);
        }
    }
}
