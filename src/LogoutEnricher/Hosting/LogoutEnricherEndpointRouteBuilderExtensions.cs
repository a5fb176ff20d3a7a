using LogoutEnricher.Delivery.Signing;
using LogoutEnricher.Operations;
using LogoutEnricher.Operations.Health;
using LogoutEnricher.Operations.Home;
using LogoutEnricher.Protocol.AdminUrl;
using LogoutEnricher.Protocol.BackChannelLogout;
using LogoutEnricher.Protocol.Capture;
using LogoutEnricher.Protocol.KeySets;
using LogoutEnricher.SilentLogouts.KeycloakApi;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting;

public static class LogoutEnricherEndpointRouteBuilderExtensions
{
    /// <summary>Maps the token endpoint proxy, the back-channel logout receiver, the JWKS and health endpoints.</summary>
    public static IEndpointRouteBuilder MapLogoutEnricher(this IEndpointRouteBuilder endpoints)
    {
        // Note: a host builds its hosted services (and with them the stores, which read their settings) before it
        // validates options; validating here makes a bad configuration fail with every failure of every section. The
        // validation binds every section and the mapping builds the services the routes use: each runs on its own core,
        // and a validation failure is the one reported even when the mapping failed first on the same bad setting.
        var validator = endpoints.ServiceProvider.GetService<IStartupValidator>();
        var validation = validator is null ? Task.CompletedTask : Task.Run(validator.Validate);
        try
        {
            endpoints.MapLogoutEnricherOperations();
            endpoints.MapBackChannelLogout();
            endpoints.MapSigning();
            endpoints.MapRealmKeySet();
            endpoints.MapKeycloakAdminPush();
            endpoints.MapCapture();
            endpoints.MapHealth();
            endpoints.MapHomePage();
        }
        catch
        {
            // Note: a catch, not a finally: the start-up guard's exception filter runs before any finally would, so it
            // must meet the validation failure here, not the mapping failure it replaces.
            validation.GetAwaiter().GetResult();
            throw;
        }

        validation.GetAwaiter().GetResult();
        return endpoints;
    }
}
