using LogoutEnricher.Storage;
using LogoutEnricher.Storage.PostgreSql;
using LogoutEnricher.Storage.Redis;
using LogoutEnricher.Storage.Sqlite;
using LogoutEnricher.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;

namespace LogoutEnricher.Benchmarks.Storage;

/// <summary>One backend, freshly emptied, built the way the host builds it, and how to measure its footprint.</summary>
internal sealed class Backend(ServiceProvider provider, Func<Task<long>> bytesUsed, Func<Task> cleanup) : IAsyncDisposable
{
    /// <summary>The store as the host composes it: hashing and encryption (a fixed bench key) over the backend.</summary>
    public ProtectedSessionStore Sessions => _sessions ??= new ProtectedSessionStore(provider.GetRequiredService<ISessionRecordStore>(), TestIdentityProtector.Default);

    private ProtectedSessionStore? _sessions;

    public Task<long> BytesUsedAsync() => bytesUsed();

    public static Backend Open(string name) => name switch
    {
        "sqlite" => OpenSqlite(),
        "redis" => OpenRedis(),
        "postgresql" => OpenPostgreSql(),
        _ => throw new ArgumentException($"Unknown backend '{name}': use sqlite, redis or postgresql."),
    };

    public async ValueTask DisposeAsync()
    {
        await provider.DisposeAsync();
        await cleanup();
    }

    private static Backend OpenSqlite()
    {
        var directory = Directory.CreateTempSubdirectory("logoutenricher-bench-").FullName;
        var path = Path.Combine(directory, "bench.db");
        var provider = new ServiceCollection().AddSqliteStorage(options => options.Path = path).BuildServiceProvider();
        provider.GetRequiredService<SqliteStorageInitializer>().InitializeAsync().GetAwaiter().GetResult();
        return new Backend(provider, async () =>
        {
            await using var connection = new SqliteConnection($"Data Source={path}");
            await connection.OpenAsync();
            await using (var checkpoint = new SqliteCommand("PRAGMA wal_checkpoint(TRUNCATE);", connection))
            {
                await checkpoint.ExecuteNonQueryAsync();
            }

            await using var command = new SqliteCommand("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size();", connection);
            return (long)(await command.ExecuteScalarAsync())!;
        }, () =>
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
            return Task.CompletedTask;
        });
    }

    private static Backend OpenRedis()
    {
        var configuration = Required("LOGOUTENRICHER_TEST_REDIS");
        var prefix = $"bench:{Guid.NewGuid():N}:";
        var admin = ConnectionMultiplexer.Connect(configuration + ",allowAdmin=true");
        var baseline = UsedMemory(admin);
        var provider = new ServiceCollection().AddRedisStorage(options =>
        {
            options.Configuration = configuration;
            options.KeyPrefix = prefix;
        }).BuildServiceProvider();
        return new Backend(provider, () => Task.FromResult(UsedMemory(admin) - baseline), async () =>
        {
            var keys = new List<RedisKey>();
            await foreach (var key in admin.GetServers()[0].KeysAsync(pattern: prefix + "*", pageSize: 10_000))
            {
                keys.Add(key);
            }

            foreach (var chunk in keys.Chunk(10_000))
            {
                await admin.GetDatabase().KeyDeleteAsync(chunk);
            }

            await admin.DisposeAsync();
        });
    }

    private static Backend OpenPostgreSql()
    {
        var connectionString = Required("LOGOUTENRICHER_TEST_POSTGRES");
        var schema = $"bench_{Guid.NewGuid():N}";
        var provider = new ServiceCollection().AddPostgreSqlStorage(options =>
        {
            options.ConnectionString = connectionString;
            options.Schema = schema;
        }).BuildServiceProvider();
        provider.GetRequiredService<PostgreSqlStorageInitializer>().InitializeAsync().GetAwaiter().GetResult();
        return new Backend(provider,
            () => ScalarAsync(connectionString, $"VACUUM ANALYZE \"{schema}\".sessions; VACUUM ANALYZE \"{schema}\".app_sessions; SELECT pg_total_relation_size('\"{schema}\".sessions') + pg_total_relation_size('\"{schema}\".app_sessions');"),
            () => ScalarAsync(connectionString, $"DROP SCHEMA \"{schema}\" CASCADE; SELECT 0::bigint;"));
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        long result = 0;
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var command = new NpgsqlCommand(statement, connection);
            result = Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }

    private static long UsedMemory(ConnectionMultiplexer admin) =>
        long.Parse(admin.GetServers()[0].Info("memory").SelectMany(g => g).First(p => p.Key == "used_memory").Value, System.Globalization.CultureInfo.InvariantCulture);

    private static string Required(string variable) => Environment.GetEnvironmentVariable(variable)
        ?? throw new InvalidOperationException($"{variable} is not set: start the server with `source .ci/services/*.sh` first.");
}
