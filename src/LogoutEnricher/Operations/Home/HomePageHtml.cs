using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static LogoutEnricher.Operations.Home.HtmlPage;

namespace LogoutEnricher.Operations.Home;

internal static class HomePageHtml
{
    public static string Render(HealthReport report, IReadOnlyList<HomeLink> links, string? turnOnAdmin)
    {
        var body = new StringBuilder();
        body.Append("<section><p>").Append(Encode(HomePage.Description)).Append("</p><p class=\"muted\">Version <code id=\"version\">")
            .Append(Encode(HomePage.Version)).Append("</code></p></section>");

        var ready = report.Status == HealthStatus.Healthy;
        body.Append("<section><h2>Readiness: <span id=\"readiness\" class=\"").Append(ready ? "ok" : "bad").Append("\">")
            .Append(ready ? "ready" : "not ready").Append("</span></h2><table><tr><th>Check</th><th>Status</th><th>Reason</th></tr>");
        foreach (var (name, entry) in report.Entries)
        {
            body.Append("<tr><td>").Append(Encode(name)).Append("</td><td class=\"").Append(entry.Status == HealthStatus.Healthy ? "ok" : "bad").Append("\">")
                .Append(Encode(entry.Status.ToString())).Append("</td><td>").Append(Encode(entry.Description)).Append("</td></tr>");
        }

        body.Append("</table></section><section><h2>Links</h2><ul>");
        foreach (var link in links)
        {
            body.Append("<li><a href=\"").Append(Encode(link.Href)).Append("\">").Append(Encode(link.Href)).Append("</a> ")
                .Append(Encode(link.Text)).Append("</li>");
        }

        body.Append("</ul></section>");
        if (turnOnAdmin is not null)
        {
            body.Append("<section id=\"admin-off\"><h2>Admin API and operator console</h2><p>").Append(Encode(turnOnAdmin)).Append("</p></section>");
        }

        body.Append("<section id=\"documentation\"><h2>Documentation</h2><p class=\"muted\">In the repository (not served by this replica):</p><ul>");
        foreach (var (page, text) in HomeGuide.Documentation)
        {
            body.Append("<li><code>").Append(Encode(page)).Append("</code> ").Append(Encode(text)).Append("</li>");
        }

        body.Append("</ul></section>");
        return HtmlPage.Render("LogoutEnricher", "", body.ToString());
    }
}
