using LogoutEnricher.Delivery;
using LogoutEnricher.Delivery.Signing;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Durability;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Startup;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Logout;
using LogoutEnricher.Operations;
using LogoutEnricher.Operations.Health;
using LogoutEnricher.Protocol.AdminUrl;
using LogoutEnricher.Protocol.BackChannelLogout;
using LogoutEnricher.Protocol.Capture;
using LogoutEnricher.Protocol.KeySets;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.SilentLogouts;
using LogoutEnricher.SilentLogouts.KeycloakApi;
using LogoutEnricher.Storage;
using LogoutEnricher.Storage.PostgreSql;
using LogoutEnricher.Storage.Redis;
using LogoutEnricher.Storage.Sqlite;

namespace LogoutEnricher.Hosting;

public static class LogoutEnricherServiceCollectionExtensions
{
    /// <summary>
    /// Registers everything LogoutEnricher needs. Each feature binds and validates its own section under
    /// <c>LogoutEnricher</c> (<c>Issuers</c>, <c>Upstream</c>, <c>Capture</c>, <c>Logout</c>, <c>Signing</c>,
    /// <c>Delivery</c>, <c>Storage</c>, ...); this method only composes them.
    /// </summary>
    public static IServiceCollection AddLogoutEnricher(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ReplicaIdentity>();
        services.AddConfigurationCheck(configuration);
        // Note: before the storage's and every worker's (hosted services start in registration order): its start
        // (the signing key) comes before the dispatcher's, which signs as soon as it delivers what is due, and its
        // StartingAsync (the providers' keys, read in the background) before the storage's schema check.
        services.AddHostedService<StartupInitializer>();
        services.AddStorage(configuration, new SqliteStorageBackend(), new RedisStorageBackend(), new PostgreSqlStorageBackend());
        services.AddSharedKeyRing();
        services.AddProviders(configuration);
        services.AddSigning(configuration);
        services.AddCapture(configuration);
        services.AddBackChannelLogout(configuration);
        services.AddLogoutPipeline();
        services.AddDelivery(configuration);
        services.AddLogoutEnricherHealth();
        services.AddLogoutEnricherOperations(configuration);
        services.AddRealmKeySet(configuration);
        services.AddKeycloakAdminPush(configuration);
        services.AddFanOut(configuration);
        services.AddDurability(configuration);
        services.AddSilentLogouts(configuration);
        services.AddMemoryTrim(configuration);
        return services;
    }
}
