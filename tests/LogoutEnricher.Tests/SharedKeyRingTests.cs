using System.Security.Cryptography;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.Tests;

/// <summary>
/// The Data Protection key ring as the host composes it (ADR 0020): kept in the store, its keys encrypted with the
/// storage encryption key, readable across a storage key rollover while the previous key is configured.
/// </summary>
public sealed class SharedKeyRingTests
{
    private static readonly byte[] KeyA = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] KeyB = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Protect_OneProcess_StoresTheKeyWithItsMasterKeyEncrypted()
    {
        var store = new InMemoryKeyStore();

        Protector(store, new SecretProtector(KeyA)).Protect("console cookie");

        var key = Assert.Single(store.Keys.Values);
        Assert.DoesNotContain("masterKey", key, StringComparison.Ordinal);
        Assert.Contains("<" + SecretXmlEncryptor.ElementName, key, StringComparison.Ordinal);
    }

    [Fact]
    public void Unprotect_AnotherProcessOnTheSameStore_ReadsThePayload()
    {
        var store = new InMemoryKeyStore();
        var payload = Protector(store, new SecretProtector(KeyA)).Protect("console cookie");

        Assert.Equal("console cookie", Protector(store, new SecretProtector(KeyA)).Unprotect(payload));
    }

    [Fact]
    public void Unprotect_AfterStorageKeyRolloverWithThePreviousKeyConfigured_ReadsThePayload()
    {
        var store = new InMemoryKeyStore();
        var payload = Protector(store, new SecretProtector(KeyA)).Protect("console cookie");

        Assert.Equal("console cookie", Protector(store, new SecretProtector(KeyB, [KeyA])).Unprotect(payload));
    }

    [Fact]
    public void Unprotect_AfterTheStorageKeyChangedWithoutThePreviousKey_RefusesThePayload()
    {
        var store = new InMemoryKeyStore();
        var payload = Protector(store, new SecretProtector(KeyA)).Protect("console cookie");

        Assert.ThrowsAny<CryptographicException>(() => Protector(store, new SecretProtector(KeyB)).Unprotect(payload));
    }

    /// <summary>One process: its own services, the shared store.</summary>
    private static IDataProtector Protector(InMemoryKeyStore store, SecretProtector secrets)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<OutboxGauges>()
            .AddSingleton<LogoutEnricherMetrics>()
            .AddSingleton<StoreFailures>()
            .AddSingleton(secrets)
            .AddSingleton<IDataProtectionKeyStore>(store)
            .AddSharedKeyRing()
            .BuildServiceProvider();
        return services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
    }

    private sealed class InMemoryKeyStore : IDataProtectionKeyStore
    {
        public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

        public Task<IReadOnlyList<StoredDataProtectionKey>> GetAllAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<StoredDataProtectionKey>>([.. Keys.Select(k => new StoredDataProtectionKey(k.Key, k.Value))]);

        public Task StoreAsync(StoredDataProtectionKey key, CancellationToken cancellationToken = default)
        {
            Keys[key.FriendlyName] = key.Xml;
            return Task.CompletedTask;
        }
    }
}
