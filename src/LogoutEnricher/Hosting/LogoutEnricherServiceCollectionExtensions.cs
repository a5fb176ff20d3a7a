using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Capture;
using LogoutEnricher.Delivery;
using LogoutEnricher.Enrichment;
using LogoutEnricher.Providers;
using LogoutEnricher.Security;
using LogoutEnricher.Signing;
using LogoutEnricher.Storage.PostgreSql;
using LogoutEnricher.Storage.Redis;
using LogoutEnricher.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting;

public static class LogoutEnricherServiceCollectionExtensions
{
    /// <summary>Registers everything LogoutEnricher needs, bound to the <c>LogoutEnricher</c> configuration section.</summary>
    public static IServiceCollection AddLogoutEnricher(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LogoutEnricherOptions>()
            .Bind(configuration.GetSection(LogoutEnricherOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<LogoutEnricherOptions>, LogoutEnricherOptionsValidator>();
        services.AddSingleton(TimeProvider.System);

        AddStorage(services, configuration);
        services.AddSingleton(sp => new SecretProtector(EncryptionKeySource.Load(
            sp.GetRequiredService<IOptions<LogoutEnricherOptions>>().Value.Storage,
            sp.GetRequiredService<IHostEnvironment>().ContentRootPath), EncryptionKeyRollover.Load(sp)));
        services.AddSingleton<SigningKeyProvider>();
        services.AddHostedService<StartupInitializer>();
        services.AddHostedService<StoragePurgeService>();

        services.AddSingleton<IssuerRegistry>();
        services.AddSingleton<ProviderKeyCache>();
        services.AddHttpClient(ProviderKeyCache.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });

        services.AddSingleton<LogoutTokenValidator>();
        services.AddSingleton<LogoutProcessor>();
        services.AddSingleton<BackChannelLogoutEndpoint>();
        services.AddSingleton<EnrichedTokenFactory>();
        services.AddSingleton<LogoutDeliverer>();
        services.AddSingleton<LogoutPlanner>();
        services.AddSingleton<LogoutEnqueuer>();
        services.AddSingleton<OutboxPayloadProtector>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<DispatcherStatistics>();
        services.AddHostedService<OutboxDispatcher>();

        // Note: redirects are not followed (a 3xx is a failed delivery, as with Keycloak), and the timeout is applied
        // per delivery, so the client's own timeout is off.
        services.AddHttpClient(LogoutDeliverer.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(3),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // Note: the factory's logging handlers open a log scope per request even when their level is off; every
            // delivery outcome is logged by LogoutEnricher's own events.
            .RemoveAllLoggers();

        services.AddHttpForwarder();
        services.AddSingleton<ForwarderHttpClient>();
        services.AddSingleton<CaptureTransformer>();
        services.AddSingleton<SessionCapturer>();
        services.AddSingleton<TokenEndpointForwarder>();

        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<ProviderKeysHealthCheck>("provider-keys", tags: [HealthEndpoints.ReadyTag]);
        services.AddLogoutEnricherOperations(configuration);
        return services;
    }

    private static void AddStorage(IServiceCollection services, IConfiguration configuration)
    {
        // Note: the backend is chosen from configuration before the options exist; the validator reports a missing
        // connection setting by its key, so the registrations below only pass the values through.
        var storage = new StorageOptions();
        configuration.GetSection(LogoutEnricherOptions.SectionName).GetSection("Storage").Bind(storage);
        switch (storage.Provider)
        {
            case StorageProvider.Sqlite:
                services.AddSqliteStorage(sqlite => sqlite.Path = storage.Sqlite.Path);
                break;
            case StorageProvider.Redis:
                services.AddRedisStorage(redis =>
                {
                    redis.Configuration = storage.Redis.Configuration ?? "";
                    redis.KeyPrefix = storage.Redis.KeyPrefix;
                });
                break;
            case StorageProvider.PostgreSql:
                services.AddPostgreSqlStorage(postgres =>
                {
                    postgres.ConnectionString = storage.PostgreSql.ConnectionString ?? "";
                    postgres.Schema = storage.PostgreSql.Schema;
                });
                break;
        }
    }
}
