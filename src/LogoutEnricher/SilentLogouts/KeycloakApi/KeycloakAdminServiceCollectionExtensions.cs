using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.KeycloakApi;

internal static class KeycloakAdminServiceCollectionExtensions
{
    /// <summary>Keycloak Admin API access per realm (<c>LogoutEnricher:KeycloakAdmin</c>); idle while no realm is configured.</summary>
    public static IServiceCollection AddKeycloakAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KeycloakAdminOptions>().Bind(configuration.GetSection(KeycloakAdminOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeycloakAdminOptions>, KeycloakAdminOptionsValidator>();
        services.AddSingleton<KeycloakAdminRealms>();
        // Note: redirects are not followed and no proxy is used, as for every outgoing call; the timeout is per request.
        services.AddHttpClient(KeycloakAdminTransport.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, UseCookies = false })
            // Note: the factory's logging handlers would log request URLs; LogoutEnricher logs its own events.
            .RemoveAllLoggers();
        return services;
    }
}
