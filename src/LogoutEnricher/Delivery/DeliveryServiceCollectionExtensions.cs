using LogoutEnricher.Enrichment;
using LogoutEnricher.Shared;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery;

internal static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// Delivering enriched logouts (<c>LogoutEnricher:Delivery</c>): planning, the outbox and its dispatcher, the
    /// inline deliverer and the tokens it mints.
    /// </summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DeliveryOptions, DeliveryOptionsValidator>(configuration, DeliveryOptions.SectionName);
        services.AddSingleton<EnrichedTokenFactory>();
        services.AddSingleton<LogoutDeliverer>();
        services.AddSingleton<LogoutPlanner>();
        services.AddSingleton<LogoutEnqueuer>();
        services.AddSingleton<LogoutCompletion>();
        services.AddSingleton<OutboxPayloadProtector>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<DispatcherStatistics>();
        services.AddSingleton<ReplicaIdentity>();
        services.AddHostedService<OutboxDispatcher>();

        // Note: redirects are not followed (a 3xx is a failed delivery, as with Keycloak), and the timeout is applied
        // per delivery, so the client's own timeout is off.
        services.AddHttpClient(LogoutDeliverer.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                MaxConnectionsPerServer = services.GetRequiredService<IOptions<DeliveryOptions>>().Value.MaxConnectionsPerApplication,
                UseProxy = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(3),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // Note: the factory's logging handlers open a log scope per request even when their level is off; every
            // delivery outcome is logged by LogoutEnricher's own events.
            .RemoveAllLoggers();
        return services;
    }
}
