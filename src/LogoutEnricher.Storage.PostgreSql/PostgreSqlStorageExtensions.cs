using LogoutEnricher.Storage.Hosting;
using Microsoft.Extensions.Configuration;
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
    /// Registers <see cref="ISessionRecordStore"/>, <see cref="IReplayCache"/>, <see cref="ISigningKeyStore"/>,
    /// <see cref="IOutboxStore"/> and <see cref="IStorageHealth"/> over one pooled data source, plus a hosted service
    /// that migrates the schema before the host starts. Uses the registered <see cref="TimeProvider"/>, or
    /// <see cref="TimeProvider.System"/>.
    /// </summary>
    public static IServiceCollection AddPostgreSqlStorage(this IServiceCollection services, Action<PostgreSqlStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<PostgreSqlStorageOptions>().Configure(configure).ValidateOnStart();
        return services.AddPostgreSqlStorageCore(new PostgreSqlStorageOptionsValidator(nameof(PostgreSqlStorageOptions) + "."));
    }

    /// <summary>
    /// As <see cref="AddPostgreSqlStorage(IServiceCollection, Action{PostgreSqlStorageOptions})"/>, with the options bound from
    /// <paramref name="section"/> (e.g. <c>LogoutEnricher:Storage:PostgreSql</c>), every key settable there. Failures name the
    /// keys under that section; they are checked when the options are first read, so a host validates them at startup
    /// together with its own storage settings (or calls <c>ValidateOnStart</c> itself).
    /// </summary>
    public static IServiceCollection AddPostgreSqlStorage(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);

        services.AddOptions<PostgreSqlStorageOptions>().Bind(section);
        return services.AddPostgreSqlStorageCore(new PostgreSqlStorageOptionsValidator(section.Path + ":"));
    }

    private static IServiceCollection AddPostgreSqlStorageCore(this IServiceCollection services, PostgreSqlStorageOptionsValidator validator)
    {
        services.AddSingleton<IValidateOptions<PostgreSqlStorageOptions>>(validator);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new PostgreSqlDatabase(provider.GetRequiredService<IOptions<PostgreSqlStorageOptions>>().Value));
        services.TryAddSingleton(provider => new PostgreSqlStorageInitializer(
            provider.GetRequiredService<PostgreSqlDatabase>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<PostgreSqlStorageInitializer>>() ?? NullLogger<PostgreSqlStorageInitializer>.Instance));
        services.TryAddSingleton<ISessionRecordStore, PostgreSqlSessionStore>();
        services.TryAddSingleton<IReplayCache, PostgreSqlReplayCache>();
        services.TryAddSingleton<ISigningKeyStore, PostgreSqlSigningKeyStore>();
        services.TryAddSingleton<IOutboxStore, PostgreSqlOutboxStore>();
        services.TryAddSingleton<IReconciliationStore, PostgreSqlReconciliationStore>();
        services.TryAddSingleton<IFanOutJobStore, PostgreSqlFanOutJobStore>();
        services.TryAddSingleton<ILogoutTrailStore, PostgreSqlLogoutTrailStore>();
        services.TryAddSingleton<IDataProtectionKeyStore, PostgreSqlDataProtectionKeyStore>();
        services.TryAddSingleton<IStorageHealth, PostgreSqlStorageHealth>();
        services.TryAddSingleton<IStorageDurability, PostgreSqlStorageDurability>();
        services.AddStorageInitializer<PostgreSqlStorageInitializer>();
        return services;
    }
}
