using System.Data.Common;
using LogoutEnricher.Storage;
using LogoutEnricher.Storage.PostgreSql;
using LogoutEnricher.Storage.Redis;
using LogoutEnricher.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Health;

/// <summary>Which store is configured, as readiness and the console name it: backend and address, never a credential.</summary>
internal static class StoreDescription
{
    public static string Of(IServiceProvider services)
    {
        var provider = services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
        return provider switch
        {
            StorageProvider.Sqlite => $"Sqlite {services.GetService<IOptions<SqliteStorageOptions>>()?.Value.Path}",
            // Note: the part before the first comma lists the endpoints; the options after it may hold a password.
            StorageProvider.Redis when services.GetService<IOptions<RedisStorageOptions>>()?.Value is { } redis =>
                $"Redis {redis.Configuration.Split(',')[0]} (prefix {redis.KeyPrefix})",
            StorageProvider.PostgreSql when services.GetService<IOptions<PostgreSqlStorageOptions>>()?.Value is { } postgres =>
                $"PostgreSql {PostgreSqlTarget(postgres.ConnectionString)} (schema {postgres.Schema})",
            _ => provider.ToString(),
        };
    }

    private static string PostgreSqlTarget(string? connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString ?? "";
        }
        catch (ArgumentException)
        {
            return "(unreadable connection string)";
        }

        string Get(string key) => builder.TryGetValue(key, out var value) ? value?.ToString() ?? "" : "";
        var port = Get("Port");
        return $"{Get("Host")}{(port.Length > 0 ? ":" + port : "")}/{Get("Database")}";
    }
}
