using LogoutEnricher.Storage.PostgreSql;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LogoutEnricher.Storage.Tests;

/// <summary>The contract against the real PostgreSQL of <see cref="TestServers.PostgreSql"/>, each test in its own schema.</summary>
public sealed partial class PostgreSqlStorageTests : StorageContractTests
{
    private readonly string _schema = $"test_{Guid.NewGuid():N}";

    private PostgreSqlStorageInitializer? _initializer;

    protected override async ValueTask<StorageUnderTest> CreateStorageAsync(TimeProvider time)
    {
        var storage = Open(time, TestServers.PostgreSql, _schema);
        await storage.Initializer.InitializeAsync(Ct);
        _initializer = storage.Initializer;
        return storage.Services;
    }

    /// <summary>Builds the services the way a host gets them: through <c>AddPostgreSqlStorage</c>.</summary>
    private static PostgreSqlUnderTest Open(TimeProvider time, string connectionString, string schema)
    {
        var provider = new ServiceCollection()
            .AddSingleton(time)
            .AddPostgreSqlStorage(options =>
            {
                options.ConnectionString = connectionString;
                options.Schema = schema;
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var services = new StorageUnderTest(
            new ProtectedSessionStore(provider.GetRequiredService<ISessionRecordStore>(), TestIdentityProtector.Default),
            provider.GetRequiredService<IReplayCache>(),
            provider.GetRequiredService<ISigningKeyStore>(),
            provider.GetRequiredService<IStorageHealth>(),
            provider.GetRequiredService<IOutboxStore>(),
            provider.GetRequiredService<IReconciliationStore>(),
            provider.GetRequiredService<IFanOutJobStore>(),
            provider.GetRequiredService<ISessionRecordStore>(),
            new Owner(provider, schema))
        {
            DataProtectionKeys = provider.GetRequiredService<IDataProtectionKeyStore>(),
            LogoutTrail = provider.GetRequiredService<ILogoutTrailStore>(),
        };
        return new PostgreSqlUnderTest(services, provider.GetRequiredService<PostgreSqlStorageInitializer>());
    }

    private sealed record PostgreSqlUnderTest(StorageUnderTest Services, PostgreSqlStorageInitializer Initializer);

    /// <summary>Closes the pool, then drops the test's schema.</summary>
    private sealed class Owner(ServiceProvider provider, string schema) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await provider.DisposeAsync();
            await using var connection = new NpgsqlConnection(TestServers.PostgreSql + ";Pooling=false");
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE;", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
