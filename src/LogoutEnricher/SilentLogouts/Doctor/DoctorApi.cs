namespace LogoutEnricher.SilentLogouts.Doctor;

/// <summary><c>GET {admin prefix}/config-findings</c>: the doctor's latest findings.</summary>
internal static class DoctorApi
{
    /// <summary>Adds the route to the admin API's one route group (its authentication and its store-failure answer apply).</summary>
    public static RouteGroupBuilder MapConfigFindings(this RouteGroupBuilder admin)
    {
        admin.MapGet("/config-findings", (DoctorFindings findings) => Results.Ok(new
        {
            findings.CheckedAt,
            Findings = findings.All.Select(f => new { f.Issuer, f.Client, f.Finding, f.EventId, f.Advice, f.Found, f.Breaks, f.Fix }),
        }));
        return admin;
    }
}
