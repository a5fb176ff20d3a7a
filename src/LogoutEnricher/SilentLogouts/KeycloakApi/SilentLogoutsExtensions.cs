using LogoutEnricher.SilentLogouts.Doctor;
using LogoutEnricher.SilentLogouts.Reconciliation;

namespace LogoutEnricher.SilentLogouts.KeycloakApi;

/// <summary>
/// The logouts Keycloak never sends and the configuration doctor: Admin API access, expiry events and
/// reconciliation, doctor. One call each for the composition root.
/// </summary>
public static class SilentLogoutsExtensions
{
    public static IServiceCollection AddSilentLogouts(this IServiceCollection services, IConfiguration configuration) =>
        services.AddKeycloakAdmin(configuration).AddReconciliation(configuration).AddDoctor(configuration);

    public static IEndpointRouteBuilder MapSilentLogouts(this IEndpointRouteBuilder endpoints) => endpoints.MapDoctor();
}
