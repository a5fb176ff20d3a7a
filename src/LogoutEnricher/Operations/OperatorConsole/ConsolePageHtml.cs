using System.Globalization;
using System.Text;
using LogoutEnricher.Operations.Home;
using static LogoutEnricher.Operations.Home.HtmlPage;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>
/// The console page: overview per issuer and client, the last hour's chart, the outbox and its dead letters, the
/// recent-logouts trail, then the sections other features register. Every value is encoded; no token, secret or
/// application session id is in the model to begin with.
/// </summary>
internal static partial class ConsolePageHtml
{
    public static string Render(ConsoleModel model, string consolePath, string antiforgeryField, string? notice, IReadOnlyList<(string Slot, string Title, string Html)> extraSections)
    {
        var body = new StringBuilder(16 * 1024);
        if (notice is not null)
        {
            body.Append("<section id=\"notice\" class=\"ok\">").Append(Encode(notice)).Append("</section>");
        }

        Overview(body, model);
        body.Append("<div class=\"grid\">");
        Chart(body, model);
        Outbox(body, model);
        body.Append("</div>");
        DeadLetters(body, model, consolePath, antiforgeryField);
        Trail(body, model, consolePath);
        foreach (var (slot, title, html) in extraSections)
        {
            body.Append("<section id=\"").Append(Encode(slot)).Append("\"><h2>").Append(Encode(title)).Append("</h2>").Append(html).Append("</section>");
        }

        var navigation = "<a href=\"/\">Home</a><a href=\"" + Encode(consolePath) + "\">Refresh</a>"
            + "<span class=\"muted\">" + Encode(Time(model.Now)) + "</span>"
            + "<form class=\"inline\" method=\"post\" action=\"" + Encode(consolePath + "/sign-out") + "\">" + antiforgeryField
            + "<button type=\"submit\" id=\"sign-out\">Sign out</button></form>";
        return HtmlPage.Render("LogoutEnricher console", navigation, body.ToString());
    }

    internal static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "-";

    private static string Duration(TimeSpan? duration) => duration switch
    {
        null => "-",
        { TotalSeconds: < 1 } d => d.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms",
        { TotalMinutes: < 2 } d => d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        { } d => d.TotalMinutes.ToString("0", CultureInfo.InvariantCulture) + " min",
    };

    private static string OutcomeClass(TrailOutcome outcome) => outcome switch
    {
        TrailOutcome.Delivered => "ok",
        TrailOutcome.Failed => "bad",
        TrailOutcome.Retrying => "warn",
        _ => "muted",
    };

    internal static StringBuilder Cell(this StringBuilder html, string? text, string? cssClass = null) =>
        html.Append(cssClass is null ? "<td>" : $"<td class=\"{cssClass}\">").Append(Encode(text)).Append("</td>");
}
