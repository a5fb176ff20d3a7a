using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>The shared PostgreSQL backend, as the host selects it: <c>Storage:Provider</c> = <c>PostgreSql</c>.</summary>
public sealed class PostgreSqlStorageBackend : StorageBackend
{
    public override string Name => "PostgreSql";

    public override Type OptionsType => typeof(PostgreSqlStorageOptions);

    public override bool IsShared => true;

    public override void Register(IServiceCollection services, IConfigurationSection section) => services.AddPostgreSqlStorage(section);

    public override void Validate(IServiceProvider services) => _ = services.GetRequiredService<IOptions<PostgreSqlStorageOptions>>().Value;

    public override string Describe(IServiceProvider services)
    {
        var postgres = services.GetRequiredService<IOptions<PostgreSqlStorageOptions>>().Value;
        return $"PostgreSql {Target(postgres.ConnectionString)} (schema {postgres.Schema})";
    }

    /// <summary>Host, port and database: never the user or password.</summary>
    private static string Target(string? connectionString)
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
