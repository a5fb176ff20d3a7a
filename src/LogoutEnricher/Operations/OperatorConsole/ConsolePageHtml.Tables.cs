using System.Globalization;
using System.Text;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using static LogoutEnricher.Operations.Home.HtmlPage;

namespace LogoutEnricher.Operations.OperatorConsole;

internal static partial class ConsolePageHtml
{
    private static void DeadLetters(StringBuilder html, ConsoleModel model, string consolePath, string antiforgeryField)
    {
        html.Append("<section id=\"dead-letters\"><h2>Dead letters</h2>");
        if (model.Outbox is not { DeadLetters.Count: > 0 } outbox)
        {
            html.Append("<p class=\"ok\">None: every accepted logout was delivered or is still being tried.</p></section>");
            return;
        }

        html.Append("<form method=\"post\" action=\"").Append(Encode(consolePath + "/dead-letters/retry-all")).Append("\">").Append(antiforgeryField)
            .Append("<p><button type=\"submit\" id=\"retry-all\">Retry all</button> <span class=\"muted\">makes every dead letter due again now</span></p></form>")
            .Append("<table><tr><th>Accepted</th><th>Client</th><th>Subject</th><th>Sid hash</th><th>Node</th><th>Attempts</th><th>Reason</th><th>Dead since</th><th></th></tr>");
        foreach (var (letter, sidHash, subject) in outbox.DeadLetters)
        {
            var entry = letter.Entry;
            html.Append("<tr class=\"dead-letter\">").Cell(Time(entry.CreatedAt)).Cell(entry.ClientId).Cell(subject ?? "-").Cell(sidHash, "muted").Cell(entry.Host ?? "-")
                .Cell(entry.Attempts.ToString(CultureInfo.InvariantCulture)).Cell(letter.Reason, "bad").Cell(Time(letter.DeadAt))
                .Append("<td><form class=\"inline\" method=\"post\" action=\"").Append(Encode($"{consolePath}/dead-letters/{Uri.EscapeDataString(entry.Id)}/retry"))
                .Append("\">").Append(antiforgeryField).Append("<button type=\"submit\" class=\"retry\">Retry</button></form></td></tr>");
        }

        html.Append("</table></section>");
    }

    private static readonly string[] Sources = [.. Enum.GetValues<Logout.LogoutSource>().Select(Logout.LogoutSourceNames.Name)];

    private static void Trail(StringBuilder html, ConsoleModel model, string consolePath)
    {
        var search = model.Search;
        html.Append("<section id=\"trail\"><h2>Logout trail</h2><form method=\"get\" action=\"").Append(Encode(consolePath)).Append("\"><p>");
        Select(html, "outcome", "any outcome", [.. Enum.GetValues<TrailOutcome>().Select(o => o.Name())], search.Outcome);
        html.Append(' ');
        Select(html, "source", "any source", Sources, search.Source);
        html.Append(" accepted from <input type=\"datetime-local\" name=\"from\" id=\"from\" value=\"").Append(Encode(search.From))
            .Append("\"> to <input type=\"datetime-local\" name=\"to\" id=\"to\" value=\"").Append(Encode(search.To)).Append("\"> (UTC)<br>")
            .Append("<input type=\"search\" name=\"q\" id=\"q\" size=\"50\" placeholder=\"terms, all must match: user or sid, client, outcome, source\" value=\"")
            .Append(Encode(search.Q)).Append("\"> <button type=\"submit\" id=\"search\">Search</button></p></form>");
        if (model.TrailError is { } error)
        {
            html.Append("<p class=\"bad\" id=\"trail-error\">").Append(Encode(error)).Append("</p></section>");
            return;
        }

        var page = model.Trail!;
        if (page.Rows.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"trail-empty\">No logout in the trail matches.</p></section>");
            return;
        }

        html.Append("<table><tr><th>Accepted at</th><th>Delivered at</th><th>Client</th><th>Subject</th><th>Source</th><th>Outcome</th><th>Attempts</th>")
            .Append("<th>App sessions</th><th>Last error</th><th></th></tr>");
        foreach (var row in page.Rows)
        {
            var l = row.Logout;
            html.Append("<tr class=\"trail-row\">").Cell(Time(l.AcceptedAt), "accepted-at").Cell(l.DeliveredAt is null ? "-" : Time(l.DeliveredAt), "delivered-at")
                .Cell(l.ClientId).Cell(row.Subject ?? "-").Cell(l.Reason is null ? l.Source : $"{l.Source}: {l.Reason}")
                .Cell(l.Outcome.Name(), "outcome " + OutcomeClass(l.Outcome)).Cell(l.Attempts.ToString(CultureInfo.InvariantCulture), "attempts")
                .Cell(l.AppSessions.ToString(CultureInfo.InvariantCulture)).Cell(l.LastError ?? "-")
                .Append("<td><a class=\"detail\" href=\"").Append(Encode($"{consolePath}/logouts/{Uri.EscapeDataString(l.Id)}")).Append("\">details</a></td></tr>");
        }

        html.Append("</table><p class=\"muted\">Newest first, from the store every replica shares. A subject or sid typed in full is matched by its hash.");
        if (page.Next is { } next)
        {
            html.Append(" <a id=\"trail-next\" href=\"").Append(Encode(consolePath + "?" + Query(search with { After = next }))).Append("\">Older logouts</a>");
        }

        html.Append("</p></section>");
    }

    /// <summary>One logout with every delivery attempt.</summary>
    public static string Detail(Trail.TrailDetail detail)
    {
        var (row, attempts) = (detail.Row, detail.Attempts);
        var l = row.Logout;
        var html = new StringBuilder(4096);
        html.Append("<table class=\"detail\">")
            .Append("<tr><th>Accepted at</th>").Cell(Time(l.AcceptedAt), "accepted-at").Append("</tr>")
            .Append("<tr><th>Delivered at</th>").Cell(l.DeliveredAt is null ? "-" : Time(l.DeliveredAt), "delivered-at").Append("</tr>")
            .Append("<tr><th>Outcome</th>").Cell(l.Outcome.Name(), "outcome " + OutcomeClass(l.Outcome)).Append("</tr>")
            .Append("<tr><th>Attempts</th>").Cell(l.Attempts.ToString(CultureInfo.InvariantCulture), "attempts").Append("</tr>")
            .Append("<tr><th>Issuer</th>").Cell(l.Issuer).Append("</tr>")
            .Append("<tr><th>Client</th>").Cell(l.ClientId, "client").Append("</tr>")
            .Append("<tr><th>Subject</th>").Cell(row.Subject ?? "-").Append("</tr>")
            .Append("<tr><th>Sid hash</th>").Cell(l.SidHash, "muted").Append("</tr>")
            .Append("<tr><th>Source</th>").Cell(l.Source).Append("</tr>")
            .Append("<tr><th>Reason</th>").Cell(l.Reason ?? "-").Append("</tr>")
            .Append("<tr><th>App sessions</th>").Cell(l.AppSessions.ToString(CultureInfo.InvariantCulture)).Append("</tr>")
            .Append("<tr><th>Trail id</th>").Cell(l.Id, "muted").Append("</tr></table>");
        html.Append("<h2>Delivery attempts</h2>");
        if (attempts.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"no-attempts\">").Append(Encode(l.Outcome == TrailOutcome.NothingToDo
                ? "None: no application session was captured for this logout."
                : "None yet.")).Append("</p>");
            return html.ToString();
        }

        html.Append("<table><tr><th>#</th><th>Time</th><th>Status or error</th><th>Duration</th><th>Then</th></tr>");
        foreach (var a in attempts)
        {
            html.Append("<tr class=\"attempt\">").Cell(a.Number.ToString(CultureInfo.InvariantCulture)).Cell(Time(a.At))
                .Cell(a.StatusCode is { } code ? "HTTP " + code.ToString(CultureInfo.InvariantCulture) : a.Error ?? "-", "status " + OutcomeClass(a.Outcome))
                .Cell(Duration(a.Duration)).Cell(a.Outcome.Name()).Append("</tr>");
        }

        html.Append("</table>");
        return html.ToString();
    }

    private static void Select(StringBuilder html, string name, string any, IEnumerable<string> values, string? selected)
    {
        html.Append("<select name=\"").Append(name).Append("\" id=\"").Append(name).Append("\"><option value=\"\">").Append(Encode(any)).Append("</option>");
        foreach (var value in values)
        {
            html.Append("<option").Append(string.Equals(value, selected, StringComparison.OrdinalIgnoreCase) ? " selected" : "").Append('>').Append(Encode(value)).Append("</option>");
        }

        html.Append("</select>");
    }

    private static string Query(Trail.TrailSearch search)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("outcome", search.Outcome);
        Add("source", search.Source);
        Add("from", search.From);
        Add("to", search.To);
        Add("after", search.After);
        Add("q", search.Q);
        return string.Join('&', parts);
    }
}
