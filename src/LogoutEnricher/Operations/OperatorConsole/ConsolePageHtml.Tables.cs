using System.Globalization;
using System.Text;
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

    private static void Trail(StringBuilder html, ConsoleModel model, string consolePath)
    {
        html.Append("<section id=\"trail\"><h2>Recent logouts</h2><form method=\"get\" action=\"").Append(Encode(consolePath)).Append("\"><p>")
            .Append("<input type=\"search\" name=\"q\" id=\"q\" size=\"40\" placeholder=\"client, subject, sid or sid hash, outcome\" value=\"")
            .Append(Encode(model.Query)).Append("\"> <button type=\"submit\" id=\"search\">Search</button></p></form>");
        if (model.Trail.Count == 0)
        {
            html.Append("<p class=\"muted\">").Append(Encode(string.IsNullOrWhiteSpace(model.Query)
                ? "No logout since " + Time(model.TrailSince) + "."
                : "No logout matches; this replica remembers logouts since " + Time(model.TrailSince) + ".")).Append("</p></section>");
            return;
        }

        html.Append("<table><tr><th>Time</th><th>Client</th><th>Subject</th><th>Sid hash</th><th>Outcome</th><th>Reason</th><th>Attempts</th><th>App sessions</th><th>Latency</th></tr>");
        foreach (var row in model.Trail)
        {
            html.Append("<tr class=\"trail-row\">").Cell(Time(row.At)).Cell(row.ClientId).Cell(row.Subject ?? "-").Cell(row.SidHash, "muted")
                .Cell(row.Outcome.ToString().ToLowerInvariant(), "outcome " + OutcomeClass(row.Outcome))
                .Cell(row.Reason is null ? "-" : row.Outcome == TrailOutcome.Delivered ? "earlier: " + row.Reason : row.Reason)
                .Cell(row.Attempts.ToString(CultureInfo.InvariantCulture)).Cell(row.AppSessions.ToString(CultureInfo.InvariantCulture))
                .Cell(Duration(row.Latency)).Append("</tr>");
        }

        html.Append("</table><p class=\"muted\">This replica's last ").Append(ConsoleModelReader.MaxTrailRows.ToString(CultureInfo.InvariantCulture))
            .Append(" matching logouts since ").Append(Encode(Time(model.TrailSince))).Append("; a sid typed in full is matched by its hash.</p></section>");
    }
}
