using LogoutEnricher.SilentLogouts.Doctor;
using LogoutEnricher.SilentLogouts.KeycloakApi;
using LogoutEnricher.SilentLogouts.Reconciliation;

namespace LogoutEnricher.SilentLogouts;

/// <summary>
/// The logouts Keycloak never sends and the configuration doctor: Admin API access, expiry events and
/// reconciliation, doctor. One call for the composition root.
/// </summary>
public static class SilentLogoutsExtensions
{
    public static IServiceCollection AddSilentLogouts(this IServiceCollection services, IConfiguration configuration) =>
        services.AddKeycloakAdmin(configuration).AddReconciliation(configuration).AddDoctor(configuration);
}
