using LogoutEnricher.Security;
using LogoutEnricher.Shared;
using LogoutEnricher.Storage.PostgreSql;
using LogoutEnricher.Storage.Redis;
using LogoutEnricher.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage;

internal static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The backend named by <c>LogoutEnricher:Storage:Provider</c>, bound by its own project to its own subsection;
    /// the encryption at rest of what it stores; and the purge of expired rows.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(configuration, StorageOptions.SectionName);

        // Note: the backend is chosen from configuration before the options exist; StorageOptionsValidator reports the
        // backend's own failures at startup, beside the storage ones.
        var section = configuration.GetSection(StorageOptions.SectionName);
        switch (section.GetValue(nameof(StorageOptions.Provider), StorageProvider.Sqlite))
        {
            case StorageProvider.Sqlite:
                services.AddSqliteStorage(section.GetSection("Sqlite"));
                break;
            case StorageProvider.Redis:
                services.AddRedisStorage(section.GetSection("Redis"));
                break;
            case StorageProvider.PostgreSql:
                services.AddPostgreSqlStorage(section.GetSection("PostgreSql"));
                break;
        }

        services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            var sqlitePath = storage.Provider == StorageProvider.Sqlite ? sp.GetService<IOptions<SqliteStorageOptions>>()?.Value.Path : null;
            return new SecretProtector(EncryptionKeySource.Load(storage, sqlitePath, contentRoot), EncryptionKeyRollover.Load(storage, contentRoot));
        });
        // Note: callers get plain sids and subjects; the backend only ever receives their hashes and encrypted copies.
        services.AddSingleton<ISessionIdentityProtector>(sp => sp.GetRequiredService<SecretProtector>());
        services.AddSingleton<ProtectedSessionStore>();
        services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<ProtectedSessionStore>());
        // Registered after the backend's own initializer, so it runs once the schema is current.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStorageInitializer, SessionIdentityMigration>());
        services.AddHostedService<StoragePurgeService>();
        services.AddSingleton<StoreFailures>();
        return services;
    }
}
