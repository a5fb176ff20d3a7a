using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage.Redis;

/// <summary>Registers the shared Redis backend.</summary>
public static class RedisStorageExtensions
{
    /// <summary>
    /// Registers <see cref="ISessionStore"/>, <see cref="IReplayCache"/>, <see cref="ISigningKeyStore"/>,
    /// <see cref="IOutboxStore"/> and <see cref="IStorageHealth"/> over one shared connection to Redis. Uses the
    /// registered <see cref="TimeProvider"/>, or <see cref="TimeProvider.System"/>. Redis needs no schema: nothing
    /// runs at startup, and the host starts even while Redis is down.
    /// </summary>
    public static IServiceCollection AddRedisStorage(this IServiceCollection services, Action<RedisStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<RedisStorageOptions>()
            .Configure(configure)
            .Validate(options => !string.IsNullOrWhiteSpace(options.Configuration), "The Redis storage configuration is empty; set it to a StackExchange.Redis configuration string such as redis:6379.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new RedisConnection(provider.GetRequiredService<IOptions<RedisStorageOptions>>().Value));
        services.TryAddSingleton<ISessionStore, RedisSessionStore>();
        services.TryAddSingleton<IReplayCache, RedisReplayCache>();
        services.TryAddSingleton<ISigningKeyStore, RedisSigningKeyStore>();
        services.TryAddSingleton<IOutboxStore, RedisOutboxStore>();
        services.TryAddSingleton<IStorageHealth, RedisStorageHealth>();
        return services;
    }
}
