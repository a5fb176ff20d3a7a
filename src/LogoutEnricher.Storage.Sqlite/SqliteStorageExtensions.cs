using LogoutEnricher.Storage.Hosting;
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
    /// Registers <see cref="ISessionStore"/>, <see cref="IReplayCache"/>, <see cref="ISigningKeyStore"/>,
    /// <see cref="IStorageHealth"/> and <see cref="IOutboxStore"/> over one SQLite file, plus a hosted service that
    /// migrates the schema before the host starts. Uses the registered <see cref="TimeProvider"/>, or <see cref="TimeProvider.System"/>.
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<SqliteStorageOptions>()
            .Configure(configure)
            .Validate(options => !string.IsNullOrWhiteSpace(options.Path), "The SQLite storage path is empty; set it to a file such as data/logoutenricher.db.")
            .Validate(options => options.BusyTimeout > TimeSpan.Zero, "The SQLite storage busy timeout must be positive, e.g. 00:00:05.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new SqliteConnectionFactory(
            provider.GetRequiredService<IOptions<SqliteStorageOptions>>().Value,
            provider.GetService<IHostEnvironment>()?.ContentRootPath));
        services.TryAddSingleton(provider => new SqliteStorageInitializer(
            provider.GetRequiredService<SqliteConnectionFactory>(),
            provider.GetRequiredService<TimeProvider>(),
            // Note: hosts always have logging; a bare container (a tool, a test) does not, and that is fine here.
            provider.GetService<ILogger<SqliteStorageInitializer>>() ?? NullLogger<SqliteStorageInitializer>.Instance));

        services.TryAddSingleton<ISessionStore, SqliteSessionStore>();
        services.TryAddSingleton<IReplayCache, SqliteReplayCache>();
        services.TryAddSingleton<ISigningKeyStore, SqliteSigningKeyStore>();
        services.TryAddSingleton<IStorageHealth, SqliteStorageHealth>();
        services.TryAddSingleton<IOutboxStore, SqliteOutboxStore>();
        services.AddStorageInitializer<SqliteStorageInitializer>();
        return services;
    }
}
