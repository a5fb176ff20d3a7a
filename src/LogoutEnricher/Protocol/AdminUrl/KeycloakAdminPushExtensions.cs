using LogoutEnricher.Delivery;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.AdminUrl;

public static class KeycloakAdminPushExtensions
{
    /// <summary>Registers the Admin URL push endpoint (section <c>LogoutEnricher:KeycloakAdminPush</c>).</summary>
    public static IServiceCollection AddKeycloakAdminPush(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KeycloakAdminPushOptions>().Bind(configuration.GetSection(KeycloakAdminPushOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeycloakAdminPushOptions>, KeycloakAdminPushOptionsValidator>();
        services.AddSingleton<AdminActionVerifier>();
        services.AddSingleton<SessionActionHandler>();
        services.AddSingleton<KeycloakAdminPushEndpoint>();
        return services;
    }

    /// <summary>Maps <c>POST {PathPrefix}/{clientId}/k_logout</c> and <c>POST {PathPrefix}/{clientId}/k_push_not_before</c>.</summary>
    public static IEndpointRouteBuilder MapKeycloakAdminPush(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<KeycloakAdminPushOptions>>().Value;
        if (!options.Enabled)
        {
            return endpoints;
        }

        var endpoint = endpoints.ServiceProvider.GetRequiredService<KeycloakAdminPushEndpoint>();
        endpoints.MapPost(options.PathPrefix + "/{clientId}/k_logout",
            (HttpContext context, string clientId) => endpoint.HandleAsync(context, clientId, KeycloakAdminAction.Logout));
        endpoints.MapPost(options.PathPrefix + "/{clientId}/k_push_not_before",
            (HttpContext context, string clientId) => endpoint.HandleAsync(context, clientId, KeycloakAdminAction.PushNotBefore));
        return endpoints;
    }
}
