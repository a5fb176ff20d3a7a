using LogoutEnricher.Doctor;
using LogoutEnricher.Reconciliation;

namespace LogoutEnricher.KeycloakAdmin;

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
