using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage.Redis;

/// <summary>The shared Redis backend, as the host selects it: <c>Storage:Provider</c> = <c>Redis</c>.</summary>
public sealed class RedisStorageBackend : StorageBackend
{
    public override string Name => "Redis";

    public override Type OptionsType => typeof(RedisStorageOptions);

    public override bool IsShared => true;

    public override void Register(IServiceCollection services, IConfigurationSection section) => services.AddRedisStorage(section);

    public override void Validate(IServiceProvider services) => _ = services.GetRequiredService<IOptions<RedisStorageOptions>>().Value;

    public override string Describe(IServiceProvider services)
    {
        var redis = services.GetRequiredService<IOptions<RedisStorageOptions>>().Value;
        // Note: the part before the first comma lists the endpoints; the options after it may hold a password.
        return $"Redis {redis.Configuration.Split(',')[0]} (prefix {redis.KeyPrefix})";
    }
}
