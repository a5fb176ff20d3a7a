using LogoutEnricher.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>Registers the shared PostgreSQL backend.</summary>
public static class PostgreSqlStorageExtensions
{
    /// <summary>
    /// Registers <see cref="ISessionStore"/>, <see cref="IReplayCache"/>, <see cref="ISigningKeyStore"/>,
    /// <see cref="IOutboxStore"/> and <see cref="IStorageHealth"/> over one pooled data source, plus a hosted service
    /// that migrates the schema before the host starts. Uses the registered <see cref="TimeProvider"/>, or
    /// <see cref="TimeProvider.System"/>.
    /// </summary>
    public static IServiceCollection AddPostgreSqlStorage(this IServiceCollection services, Action<PostgreSqlStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<PostgreSqlStorageOptions>()
            .Configure(configure)
            .Validate(options => !string.IsNullOrWhiteSpace(options.ConnectionString), "The PostgreSQL storage connection string is empty; set it, e.g. Host=db;Username=logoutenricher;Password=....")
            .Validate(options => PostgreSqlStorageOptions.IsValidSchema(options.Schema), "The PostgreSQL storage schema must be lower-case letters, digits and '_', e.g. logoutenricher.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new PostgreSqlDatabase(provider.GetRequiredService<IOptions<PostgreSqlStorageOptions>>().Value));
        services.TryAddSingleton(provider => new PostgreSqlStorageInitializer(
            provider.GetRequiredService<PostgreSqlDatabase>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<PostgreSqlStorageInitializer>>() ?? NullLogger<PostgreSqlStorageInitializer>.Instance));
        services.TryAddSingleton<ISessionStore, PostgreSqlSessionStore>();
        services.TryAddSingleton<IReplayCache, PostgreSqlReplayCache>();
        services.TryAddSingleton<ISigningKeyStore, PostgreSqlSigningKeyStore>();
        services.TryAddSingleton<IOutboxStore, PostgreSqlOutboxStore>();
        services.TryAddSingleton<IStorageHealth, PostgreSqlStorageHealth>();
        services.AddStorageInitializer<PostgreSqlStorageInitializer>();
        return services;
    }
}
