using LogoutEnricher.Storage.Sqlite;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.Storage.Tests;

/// <summary>The contract over a real database file per test, plus what only the embedded backend has.</summary>
public sealed partial class SqliteStorageTests : StorageContractTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "logoutenricher-storage-tests", Guid.NewGuid().ToString("N"));

    private SqliteUnderTest? _open;

    private string DatabasePath => Path.Combine(_directory, "store.db");

    protected override async ValueTask<StorageUnderTest> CreateStorageAsync(TimeProvider time)
    {
        var storage = _open = Open(time, DatabasePath, deleteDirectoryOnDispose: true);
        await storage.Initializer.InitializeAsync(Ct);
        return storage.Services;
    }

    /// <summary>Builds the services the way a host gets them: through <c>AddSqliteStorage</c>.</summary>
    private SqliteUnderTest Open(TimeProvider time, string path, bool deleteDirectoryOnDispose = false, Action<SqliteStorageOptions>? configure = null)
    {
        var provider = new ServiceCollection()
            .AddSingleton(time)
            .AddSqliteStorage(options =>
            {
                options.Path = path;
                configure?.Invoke(options);
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var owner = new Owner(provider, deleteDirectoryOnDispose ? _directory : null);
        var services = new StorageUnderTest(
            new ProtectedSessionStore(provider.GetRequiredService<ISessionRecordStore>(), TestIdentityProtector.Default),
            provider.GetRequiredService<IReplayCache>(),
            provider.GetRequiredService<ISigningKeyStore>(),
            provider.GetRequiredService<IStorageHealth>(),
            provider.GetRequiredService<IOutboxStore>(),
            provider.GetRequiredService<IReconciliationStore>(),
            provider.GetRequiredService<IFanOutJobStore>(),
            provider.GetRequiredService<ISessionRecordStore>(),
            owner)
        {
            DataProtectionKeys = provider.GetRequiredService<IDataProtectionKeyStore>(),
            LogoutTrail = provider.GetRequiredService<ILogoutTrailStore>(),
        };
        return new SqliteUnderTest(services, provider.GetRequiredService<SqliteStorageInitializer>(), provider);
    }

    private sealed record SqliteUnderTest(StorageUnderTest Services, SqliteStorageInitializer Initializer, IServiceProvider Provider);

    /// <summary>Disposing the provider clears the connection pool, which releases the file before it is deleted.</summary>
    private sealed class Owner(ServiceProvider provider, string? directoryToDelete) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await provider.DisposeAsync();
            if (directoryToDelete is not null && Directory.Exists(directoryToDelete))
            {
                Directory.Delete(directoryToDelete, recursive: true);
            }
        }
    }
}
