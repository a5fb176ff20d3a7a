using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Capture;
using LogoutEnricher.FanOut;
using LogoutEnricher.Home;
using LogoutEnricher.KeycloakAdminPush;
using LogoutEnricher.RealmKeySet;
using LogoutEnricher.KeycloakAdmin;
using LogoutEnricher.Signing;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting;

public static class LogoutEnricherEndpointRouteBuilderExtensions
{
    /// <summary>Maps the token endpoint proxy, the back-channel logout receiver, the JWKS and health endpoints.</summary>
    public static IEndpointRouteBuilder MapLogoutEnricher(this IEndpointRouteBuilder endpoints)
    {
        // Note: a host builds its hosted services (and with them the stores, which read their settings) before it
        // validates options; validating first makes a bad configuration fail with every failure of every section.
        endpoints.ServiceProvider.GetService<IStartupValidator>()?.Validate();
        endpoints.MapLogoutEnricherOperations();
        endpoints.MapBackChannelLogout();
        endpoints.MapSigning();
        endpoints.MapRealmKeySet();
        endpoints.MapKeycloakAdminPush();
        endpoints.MapFanOut();
        endpoints.MapCapture();
        endpoints.MapHealth();
        endpoints.MapHomePage();
        endpoints.MapSilentLogouts();
        return endpoints;
    }
}
