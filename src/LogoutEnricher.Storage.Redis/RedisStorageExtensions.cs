using LogoutEnricher.Storage.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage.Redis;

/// <summary>Registers the shared Redis backend.</summary>
public static class RedisStorageExtensions
{
    /// <summary>
    /// Registers <see cref="ISessionRecordStore"/>, <see cref="IReplayCache"/>, <see cref="ISigningKeyStore"/>,
    /// <see cref="IOutboxStore"/>, <see cref="IDataProtectionKeyStore"/> and <see cref="IStorageHealth"/> over one shared
    /// connection to Redis. Uses the registered <see cref="TimeProvider"/>, or <see cref="TimeProvider.System"/>. Redis
    /// needs no schema; at startup <see cref="RedisStorageInitializer"/> brings entries of an earlier version up to date
    /// once per store, and the host starts even while Redis is down.
    /// </summary>
    public static IServiceCollection AddRedisStorage(this IServiceCollection services, Action<RedisStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<RedisStorageOptions>().Configure(configure).ValidateOnStart();
        return services.AddRedisStorageCore(new RedisStorageOptionsValidator(nameof(RedisStorageOptions) + "."));
    }

    /// <summary>
    /// As <see cref="AddRedisStorage(IServiceCollection, Action{RedisStorageOptions})"/>, with the options bound from
    /// <paramref name="section"/> (e.g. <c>LogoutEnricher:Storage:Redis</c>), every key settable there. Failures name the
    /// keys under that section; they are checked when the options are first read, so a host validates them at startup
    /// together with its own storage settings (or calls <c>ValidateOnStart</c> itself).
    /// </summary>
    public static IServiceCollection AddRedisStorage(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);

        services.AddOptions<RedisStorageOptions>().Bind(section);
        return services.AddRedisStorageCore(new RedisStorageOptionsValidator(section.Path + ":"));
    }

    private static IServiceCollection AddRedisStorageCore(this IServiceCollection services, RedisStorageOptionsValidator validator)
    {
        services.AddSingleton<IValidateOptions<RedisStorageOptions>>(validator);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new RedisConnection(provider.GetRequiredService<IOptions<RedisStorageOptions>>().Value));
        services.TryAddSingleton<ISessionRecordStore, RedisSessionStore>();
        services.TryAddSingleton<IReplayCache, RedisReplayCache>();
        services.TryAddSingleton<ISigningKeyStore, RedisSigningKeyStore>();
        services.TryAddSingleton<IOutboxStore, RedisOutboxStore>();
        services.TryAddSingleton<IReconciliationStore, RedisReconciliationStore>();
        services.TryAddSingleton<IFanOutJobStore, RedisFanOutJobStore>();
        services.TryAddSingleton<ILogoutTrailStore, RedisLogoutTrailStore>();
        services.TryAddSingleton<IDataProtectionKeyStore, RedisDataProtectionKeyStore>();
        services.TryAddSingleton(provider => new RedisStorageInitializer(
            provider.GetRequiredService<RedisConnection>(),
            provider.GetService<ILogger<RedisStorageInitializer>>() ?? NullLogger<RedisStorageInitializer>.Instance));
        services.AddStorageInitializer<RedisStorageInitializer>();
        services.TryAddSingleton<IStorageHealth, RedisStorageHealth>();
        services.TryAddSingleton<IStorageDurability, RedisStorageDurability>();
        return services;
    }
}
