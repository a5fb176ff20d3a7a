using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>The embedded SQLite backend, as the host selects it: <c>Storage:Provider</c> = <c>Sqlite</c>.</summary>
public sealed class SqliteStorageBackend : StorageBackend
{
    public override string Name => "Sqlite";

    public override Type OptionsType => typeof(SqliteStorageOptions);

    public override bool IsShared => false;

    public override void Register(IServiceCollection services, IConfigurationSection section) => services.AddSqliteStorage(section);

    public override void Validate(IServiceProvider services) => _ = services.GetRequiredService<IOptions<SqliteStorageOptions>>().Value;

    public override string Describe(IServiceProvider services) => $"Sqlite {services.GetRequiredService<IOptions<SqliteStorageOptions>>().Value.Path}";

    /// <summary>The database file's directory: one machine, so a generated key may live beside the data it protects.</summary>
    public override string? GeneratedKeyDirectory(IServiceProvider services, string contentRoot) =>
        Path.GetDirectoryName(Path.GetFullPath(services.GetRequiredService<IOptions<SqliteStorageOptions>>().Value.Path, contentRoot));
}
