using System.Globalization;
using System.Text;
using static LogoutEnricher.Operations.Home.HtmlPage;

namespace LogoutEnricher.Operations.OperatorConsole;

internal static partial class ConsolePageHtml
{
    private static void Overview(StringBuilder html, ConsoleModel model)
    {
        html.Append("<section id=\"clients\"><h2>Issuers and clients</h2>");
        foreach (var issuer in model.Issuers)
        {
            var keys = issuer.Keys;
            var (keyClass, keyText) = keys switch
            {
                { Loaded: true, LastError: null } => ("ok", $"{keys.KeyCount} signing key{(keys.KeyCount == 1 ? "" : "s")}, read {Time(keys.FetchedAt)}"),
                { Loaded: true } => ("warn", $"{keys.KeyCount} cached keys in use; refresh failing since {Time(keys.FailingSince)}: {keys.LastError}"),
                { LastError: { } error } => ("bad", $"not loaded since {Time(keys.FailingSince)}: {error}"),
                _ => ("muted", "not loaded yet"),
            };
            html.Append("<p>Issuer <strong>").Append(Encode(issuer.Issuer)).Append("</strong><br>Keys: <span class=\"key-status ").Append(keyClass).Append("\">")
                .Append(Encode(keyText)).Append("</span></p>");
            html.Append("<table><tr><th>Client</th><th>Logout URL</th><th>Delivered (1 h)</th><th>Failed (1 h)</th><th>Waiting (1 h)</th><th>Oldest pending</th></tr>");
            foreach (var client in issuer.Clients)
            {
                html.Append("<tr>").Cell(client.ClientId).Cell($"{client.Target} ({client.Format})", "muted")
                    .Cell(client.Delivered.ToString(CultureInfo.InvariantCulture), client.Delivered > 0 ? "ok" : null)
                    .Cell(client.Failed.ToString(CultureInfo.InvariantCulture), client.Failed > 0 ? "bad" : null)
                    .Cell(client.Waiting.ToString(CultureInfo.InvariantCulture), client.Waiting > 0 ? "warn" : null)
                    .Cell(Pending(client.OldestPending, model.Now), client.OldestPending is null ? "oldest-pending muted" : "oldest-pending warn").Append("</tr>");
            }

            html.Append("</table>");
        }

        html.Append("<p class=\"muted\">Counts from the logout trail, shared by every replica: logouts accepted in the last hour, by where they stand now.</p></section>");
    }

    /// <summary>"accepted 2025-06-01 12:00:00 UTC, 12 min ago, 3 attempts, last: HTTP 503", or "-".</summary>
    private static string Pending(ConsolePendingEntry? entry, DateTimeOffset now) => entry is null
        ? "-"
        : $"accepted {Time(entry.AcceptedAt)}, {Duration(now > entry.AcceptedAt ? now - entry.AcceptedAt : TimeSpan.Zero)} ago, "
            + string.Create(CultureInfo.InvariantCulture, $"{entry.Attempts} attempt{(entry.Attempts == 1 ? "" : "s")}")
            + (entry.LastError is null ? "" : ", last: " + entry.LastError);

    private static void Outbox(StringBuilder html, ConsoleModel model)
    {
        var outbox = model.Outbox;
        html.Append("<section id=\"outbox\"><h2>Outbox</h2>");
        if (outbox is null)
        {
            html.Append("<p class=\"muted\">No delivery outbox is configured.</p></section>");
            return;
        }

        if (outbox.Error is { } error)
        {
            html.Append("<p class=\"bad\">").Append(Encode(error)).Append("</p></section>");
            return;
        }

        html.Append("<p>Pending deliveries: <strong id=\"outbox-pending\">").Append(outbox.Pending.ToString(CultureInfo.InvariantCulture))
            .Append("</strong> · dead letters: <strong id=\"outbox-dead\" class=\"").Append(outbox.DeadLetterCount > 0 ? "bad" : "ok").Append("\">")
            .Append(outbox.DeadLetterCount.ToString(CultureInfo.InvariantCulture)).Append("</strong>");
        if (model.Issuers.SelectMany(i => i.Clients).Where(c => c.OldestPending is not null).MinBy(c => c.OldestPending!.AcceptedAt) is { } waiting)
        {
            html.Append("<br>Oldest pending delivery: <span id=\"outbox-oldest-pending\">").Append(Encode(waiting.ClientId)).Append(", ")
                .Append(Encode(Pending(waiting.OldestPending, model.Now))).Append("</span>");
        }

        if (outbox.OldestDeadLetter is { } oldest)
        {
            html.Append("<br>Oldest dead letter accepted ").Append(Encode(Time(oldest)));
        }

        html.Append("</p><p class=\"muted\">Pending: accepted logouts waiting for delivery or a retry. Dead letters: given up, until retried below.</p></section>");
    }
}
