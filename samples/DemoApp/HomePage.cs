using System.Text;
using System.Text.Encodings.Web;
using Microsoft.Extensions.Options;

namespace DemoApp;

/// <summary>One page: who is logged in here, which local sessions exist, which back-channel logouts arrived.</summary>
public static class HomePage
{
    public static IResult Render(HttpContext context, LocalSessionRegistry sessions, IOptions<DemoAppOptions> options)
    {
        var html = HtmlEncoder.Default;
        var clientId = html.Encode(options.Value.ClientId);
        var page = new StringBuilder($"<header><h1>DemoApp <code>{clientId}</code></h1><span class=\"muted\">client of {html.Encode(options.Value.Authority)}</span></header>");

        page.Append("<section>");
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            var name = user.FindFirst("preferred_username")?.Value ?? user.FindFirst("sub")?.Value;
            var session = LocalSessionRegistry.Shorten(user.FindFirst(OidcLogin.LocalSessionClaim)!.Value);
            page.Append($"<p id=\"status\">Logged in as <b>{html.Encode(name ?? "?")}</b> in local session <code>{html.Encode(session)}</code></p>");
            page.Append("<form method=\"post\" action=\"/logout\"><button>Log out (everywhere)</button></form>");
        }
        else
        {
            page.Append("<p id=\"status\">Not logged in.</p><p><a class=\"button\" href=\"/login\">Log in</a></p>");
        }

        page.Append("</section><section><h2>Local sessions</h2>");
        var local = sessions.Sessions;
        if (local.Count == 0)
        {
            page.Append("<p class=\"empty\" id=\"no-sessions\">No local session.</p>");
        }
        else
        {
            page.Append("<table id=\"sessions\"><tr><th>Session</th><th>User</th><th>Since</th></tr>");
            foreach (var s in local)
            {
                page.Append($"<tr><td><code>{html.Encode(s.ShortId)}</code></td><td>{html.Encode(s.UserName)}</td><td>{PageLayout.LocalTime(s.CreatedAt)}</td></tr>");
            }

            page.Append("</table>");
        }

        page.Append("</section><section><h2>Back-channel logouts received</h2>");
        AppendLogouts(page, sessions.Logouts, html);
        page.Append("</section>");
        return PageLayout.Html($"DemoApp {options.Value.ClientId}", page.ToString());
    }

    private static void AppendLogouts(StringBuilder page, IReadOnlyCollection<ReceivedLogout> logouts, HtmlEncoder html)
    {
        if (logouts.Count == 0)
        {
            page.Append("<p class=\"empty\">None yet. Log out in another application of the same user to see one arrive.</p>");
            return;
        }

        page.Append("<table id=\"logouts\"><tr><th>Received</th><th>User</th><th>Sessions named</th></tr>");
        foreach (var logout in logouts.Reverse())
        {
            var who = logout.UserName ?? logout.Subject ?? "(no subject)";
            page.Append($"<tr><td>{PageLayout.LocalTime(logout.ReceivedAt)}</td><td>{html.Encode(who)}</td><td>");
            if (logout.AdapterSessionIds.Count == 0)
            {
                page.Append("<span class=\"muted\">none (no session of this application was captured)</span>");
            }

            foreach (var id in logout.AdapterSessionIds)
            {
                var ended = logout.EndedSessionIds.Contains(id);
                page.Append($"<div><code>{html.Encode(LocalSessionRegistry.Shorten(id))}</code> ")
                    .Append(ended ? "<span class=\"ended\">ended</span>" : "<span class=\"kept\">not here (already ended)</span>")
                    .Append("</div>");
            }

            page.Append("</td></tr>");
        }

        page.Append("</table>");
    }
}
