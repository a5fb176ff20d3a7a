using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>A key ring whose backend is down: every call fails the way a backend reports an outage.</summary>
internal sealed class FailingDataProtectionKeyStore : IDataProtectionKeyStore
{
    public static void Install(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<IDataProtectionKeyStore, FailingDataProtectionKeyStore>());

    public Task<IReadOnlyList<StoredDataProtectionKey>> GetAllAsync(CancellationToken cancellationToken = default) =>
        Task.FromException<IReadOnlyList<StoredDataProtectionKey>>(new StorageUnavailableException("Test storage could not read the Data Protection key ring."));

    public Task StoreAsync(StoredDataProtectionKey key, CancellationToken cancellationToken = default) =>
        Task.FromException(new StorageUnavailableException("Test storage could not store a Data Protection key."));
}
