using LogoutEnricher.Operations.AdminApi;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Doctor;

/// <summary><c>GET {admin prefix}/config-findings</c>: the doctor's latest findings, behind the admin API's authentication.</summary>
internal static class DoctorApi
{
    public static IEndpointRouteBuilder MapDoctor(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.ServiceProvider.GetRequiredService<IOptions<AdminOptions>>().Value;
        if (!admin.Enabled)
        {
            return endpoints;
        }

        endpoints.MapGroup(admin.PathPrefix).AddEndpointFilter<AdminAuthentication>()
            .MapGet("/config-findings", (DoctorFindings findings) => Results.Ok(new
            {
                findings.CheckedAt,
                Findings = findings.All.Select(f => new { f.Issuer, f.Client, f.Finding, f.EventId, f.Advice, f.Found, f.Breaks, f.Fix }),
            }));
        return endpoints;
    }
}
