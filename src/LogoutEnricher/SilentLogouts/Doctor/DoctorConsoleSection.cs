using System.Text;
using LogoutEnricher.Operations.OperatorConsole;
using static LogoutEnricher.Operations.Home.HtmlPage;

namespace LogoutEnricher.SilentLogouts.Doctor;

/// <summary>
/// The console's configuration findings: per finding the issuer, the client (or the whole realm), the setting as the
/// doctor found it, what that breaks and how to fix it. The doctor reads only settings, never tokens or secrets.
/// </summary>
internal sealed class DoctorConsoleSection(DoctorFindings findings) : IConsoleSection
{
    public string Slot => ConsoleSlots.ConfigurationFindings;

    public string Title => "Configuration findings";

    public int Order => 20;

    public Task<string> RenderAsync(HttpContext context, string antiforgeryField, CancellationToken cancellationToken)
    {
        var html = new StringBuilder(2048);
        if (findings.CheckedAt is not { } checkedAt)
        {
            return Task.FromResult("<p class=\"muted\" id=\"findings-not-checked\">Not checked yet: the doctor reads each realm's client settings through Keycloak's Admin API once LogoutEnricher:KeycloakAdmin:Realms:{issuer name} is configured.</p>");
        }

        var all = findings.All.OrderBy(f => f.Issuer, StringComparer.Ordinal).ThenBy(f => f.Client, StringComparer.Ordinal).ToList();
        html.Append("<p>Last checked ").Append(Encode(ConsolePageHtml.Time(checkedAt))).Append(". ");
        if (all.Count == 0)
        {
            return Task.FromResult(html.Append("<span class=\"ok\" id=\"findings-none\">Nothing found: every checked client is set up for single logout.</span></p>").ToString());
        }

        html.Append("<span class=\"bad\">").Append(all.Count).Append(all.Count == 1 ? " setting breaks" : " settings break").Append(" single logout.</span></p>")
            .Append("<table><tr><th>Issuer</th><th>Client</th><th>Setting</th><th>What breaks</th><th>How to fix</th></tr>");
        foreach (var finding in all)
        {
            html.Append("<tr class=\"config-finding\">").Cell(finding.Issuer, "muted").Cell(finding.Client == Findings.RealmWide ? "(realm)" : finding.Client)
                .Append("<td>").Append(Encode(finding.Found)).Append("<br><code class=\"muted\">").Append(Encode(finding.Finding)).Append("</code></td>")
                .Cell(finding.Breaks ?? "-", "bad").Cell(finding.Fix).Append("</tr>");
        }

        return Task.FromResult(html.Append("</table>").ToString());
    }
}
