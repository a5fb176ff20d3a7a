using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.Hardening;
using LogoutEnricher.Protocol;

namespace LogoutEnricher.Protocol.BackChannelLogout;

internal static class BackChannelLogoutServiceCollectionExtensions
{
    /// <summary>The back-channel logout receiver (<c>LogoutEnricher:Logout</c>): validation and the logout pipeline.</summary>
    public static IServiceCollection AddBackChannelLogout(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<LogoutOptions, LogoutOptionsValidator>(configuration, LogoutOptions.SectionName);
        services.AddSingleton<LogoutTokenValidator>();
        services.AddSingleton<BackChannelLogoutEndpoint>();
        return services;
    }

    /// <summary><c>POST /backchannel-logout</c> (client from <c>aud</c>) and <c>POST /backchannel-logout/{clientId}</c>.</summary>
    public static IEndpointRouteBuilder MapBackChannelLogout(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/backchannel-logout", (HttpContext context, BackChannelLogoutEndpoint logout) => logout.HandleAsync(context, null))
            .RequireRateLimiting(RateLimiting.LogoutPolicy);
        endpoints.MapPost("/backchannel-logout/{clientId}", (HttpContext context, string clientId, BackChannelLogoutEndpoint logout) => logout.HandleAsync(context, clientId))
            .RequireRateLimiting(RateLimiting.LogoutPolicy);
        return endpoints;
    }
}
