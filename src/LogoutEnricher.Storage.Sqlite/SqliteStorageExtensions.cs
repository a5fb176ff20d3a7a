using LogoutEnricher.Storage.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Registers the embedded SQLite backend.</summary>
public static class SqliteStorageExtensions
{
    /// <summary>
    /// Registers <see cref="ISessionRecordStore"/>, <see cref="IReplayCache"/>, <see cref="ISigningKeyStore"/>,
    /// <see cref="IStorageHealth"/> and <see cref="IOutboxStore"/> over one SQLite file, plus a hosted service that
    /// migrates the schema before the host starts. Uses the registered <see cref="TimeProvider"/>, or <see cref="TimeProvider.System"/>.
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<SqliteStorageOptions>().Configure(configure).ValidateOnStart();
        return services.AddSqliteStorageCore(new SqliteStorageOptionsValidator(nameof(SqliteStorageOptions) + "."));
    }

    /// <summary>
    /// As <see cref="AddSqliteStorage(IServiceCollection, Action{SqliteStorageOptions})"/>, with the options bound from
    /// <paramref name="section"/> (e.g. <c>LogoutEnricher:Storage:Sqlite</c>), every key settable there. Failures name the
    /// keys under that section; they are checked when the options are first read, so a host validates them at startup
    /// together with its own storage settings (or calls <c>ValidateOnStart</c> itself).
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);

        services.AddOptions<SqliteStorageOptions>().Bind(section);
        return services.AddSqliteStorageCore(new SqliteStorageOptionsValidator(section.Path + ":"));
    }

    private static IServiceCollection AddSqliteStorageCore(this IServiceCollection services, SqliteStorageOptionsValidator validator)
    {
        services.AddSingleton<IValidateOptions<SqliteStorageOptions>>(validator);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new SqliteConnectionFactory(
            provider.GetRequiredService<IOptions<SqliteStorageOptions>>().Value,
            provider.GetService<IHostEnvironment>()?.ContentRootPath));
        services.TryAddSingleton(provider => new SqliteGroupCommit(
            provider.GetRequiredService<SqliteConnectionFactory>(),
            provider.GetRequiredService<IOptions<SqliteStorageOptions>>().Value));
        services.TryAddSingleton(provider => new SqliteStorageInitializer(
            provider.GetRequiredService<SqliteConnectionFactory>(),
            provider.GetRequiredService<TimeProvider>(),
            // Note: hosts always have logging; a bare container (a tool, a test) does not, and that is fine here.
            provider.GetService<ILogger<SqliteStorageInitializer>>() ?? NullLogger<SqliteStorageInitializer>.Instance));

        services.TryAddSingleton<ISessionRecordStore, SqliteSessionStore>();
        services.TryAddSingleton<IReplayCache, SqliteReplayCache>();
        services.TryAddSingleton<ISigningKeyStore, SqliteSigningKeyStore>();
        services.TryAddSingleton<IStorageHealth>(provider => new SqliteStorageHealth(
            provider.GetRequiredService<SqliteConnectionFactory>(),
            provider.GetRequiredService<SqliteStorageInitializer>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<SqliteStorageHealth>>() ?? NullLogger<SqliteStorageHealth>.Instance));
        services.TryAddSingleton<IStorageDurability, SqliteStorageDurability>();
        services.TryAddSingleton<IOutboxStore, SqliteOutboxStore>();
        services.TryAddSingleton<IReconciliationStore, SqliteReconciliationStore>();
        services.TryAddSingleton<IFanOutJobStore, SqliteFanOutJobStore>();
        services.TryAddSingleton<ILogoutTrailStore, SqliteLogoutTrailStore>();
        services.TryAddSingleton<IDataProtectionKeyStore, SqliteDataProtectionKeyStore>();
        services.AddStorageInitializer<SqliteStorageInitializer>();
        return services;
    }
}
