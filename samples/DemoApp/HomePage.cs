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
        var page = new StringBuilder();
        page.Append($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{html.Encode(options.Value.ClientId)}</title></head><body>");
        page.Append($"<h1>DemoApp: {html.Encode(options.Value.ClientId)}</h1>");

        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            var name = user.FindFirst("preferred_username")?.Value ?? user.FindFirst("sub")?.Value;
            var session = user.FindFirst(OidcLogin.LocalSessionClaim)!.Value;
            page.Append($"<p id=\"status\">Logged in as <b>{html.Encode(name ?? "?")}</b> in local session <code>{html.Encode(session[..8])}</code></p>");
            page.Append("<form method=\"post\" action=\"/logout\"><button>Log out (everywhere)</button></form>");
        }
        else
        {
            page.Append("<p id=\"status\">Not logged in.</p><p><a href=\"/login\">Log in</a></p>");
        }

        page.Append("<h2>Local sessions</h2><table border=\"1\"><tr><th>session</th><th>user</th><th>since</th></tr>");
        foreach (var local in sessions.Sessions)
        {
            page.Append($"<tr><td><code>{html.Encode(local.ShortId)}</code></td><td>{html.Encode(local.UserName)}</td><td>{local.CreatedAt:HH:mm:ss}</td></tr>");
        }

        page.Append("</table><h2>Back-channel logouts received</h2><ul>");
        foreach (var logout in sessions.Logouts.Reverse())
        {
            var named = string.Join(", ", logout.AdapterSessionIds.Select(id => id.Length > 8 ? id[..8] : id));
            page.Append($"<li>{logout.ReceivedAt:HH:mm:ss}: named [{html.Encode(named)}], ended {logout.Ended}</li>");
        }

        page.Append("</ul></body></html>");
        return Results.Content(page.ToString(), "text/html; charset=utf-8");
    }
}
