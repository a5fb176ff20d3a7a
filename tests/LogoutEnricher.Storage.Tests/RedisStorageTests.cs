using LogoutEnricher.Storage.Redis;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Tests;

/// <summary>The contract against the real Redis of <see cref="TestServers.Redis"/>, each test under its own key prefix.</summary>
public sealed partial class RedisStorageTests : StorageContractTests
{
    private readonly string _prefix = $"logoutenricher-test:{Guid.NewGuid():N}:";

    protected override ValueTask<StorageUnderTest> CreateStorageAsync(TimeProvider time) =>
        ValueTask.FromResult(Open(time, TestServers.Redis, _prefix));

    /// <summary>Builds the services the way a host gets them: through <c>AddRedisStorage</c>.</summary>
    private static StorageUnderTest Open(TimeProvider time, string configuration, string prefix)
    {
        var provider = new ServiceCollection()
            .AddSingleton(time)
            .AddRedisStorage(options =>
            {
                options.Configuration = configuration;
                options.KeyPrefix = prefix;
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new StorageUnderTest(
            new ProtectedSessionStore(provider.GetRequiredService<ISessionRecordStore>(), TestIdentityProtector.Default),
            provider.GetRequiredService<IReplayCache>(),
            provider.GetRequiredService<ISigningKeyStore>(),
            provider.GetRequiredService<IStorageHealth>(),
            provider.GetRequiredService<IOutboxStore>(),
            provider.GetRequiredService<IReconciliationStore>(),
            provider.GetRequiredService<IFanOutJobStore>(),
            provider.GetRequiredService<ISessionRecordStore>(),
            new Owner(provider, prefix))
        {
            DataProtectionKeys = provider.GetRequiredService<IDataProtectionKeyStore>(),
            LogoutTrail = provider.GetRequiredService<ILogoutTrailStore>(),
        };
    }

    /// <summary>Deletes the test's keys, then closes its connection.</summary>
    private sealed class Owner(ServiceProvider provider, string prefix) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await provider.DisposeAsync();
            await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
            var server = redis.GetServers()[0];
            var keys = new List<RedisKey>();
            await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 1000))
            {
                keys.Add(key);
            }

            if (keys.Count > 0)
            {
                await redis.GetDatabase().KeyDeleteAsync([.. keys]);
            }
        }
    }
}
