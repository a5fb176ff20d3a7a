using LogoutEnricher.Security;
using LogoutEnricher.Shared;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage;

internal static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The backend named by <c>LogoutEnricher:Storage:Provider</c>, bound by its own project to its own subsection;
    /// the encryption at rest of what it stores; and the purge of expired rows.
    /// </summary>
    /// <param name="backends">The backends this host ships; <c>Storage:Provider</c> names the one in use.</param>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration, params StorageBackend[] backends)
    {
        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(configuration, StorageOptions.SectionName);

        // Note: the backend is chosen from configuration before the options exist. A name no backend answers to
        // registers none; StorageOptionsValidator reports it at startup together with every other mistake.
        var section = configuration.GetSection(StorageOptions.SectionName);
        var catalog = new StorageBackends(backends, section[nameof(StorageOptions.Provider)]);
        services.AddSingleton(catalog);
        catalog.Selected?.Register(services, section.GetSection(catalog.Selected.Name));

        services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            var keyDirectory = sp.GetRequiredService<StorageBackends>().Selected?.GeneratedKeyDirectory(sp, contentRoot);
            return new SecretProtector(EncryptionKeySource.Load(storage, keyDirectory, contentRoot), EncryptionKeyRollover.Load(storage, contentRoot));
        });
        // Note: callers get plain sids and subjects; the backend only ever receives their hashes and encrypted copies.
        services.AddSingleton<ISessionIdentityProtector>(sp => sp.GetRequiredService<SecretProtector>());
        services.AddSingleton<ProtectedSessionStore>();
        // Registered after the backend's own initializer, so it runs once the schema is current.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStorageInitializer, SessionIdentityMigration>());
        services.AddHostedService<StoragePurgeService>();
        services.AddSingleton<StoreFailures>();
        return services;
    }
}
