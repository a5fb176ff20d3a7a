using System.Globalization;
using System.Text;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Home;
using LogoutEnricher.Storage;
using static LogoutEnricher.Operations.Home.HtmlPage;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>
/// The console page: overview per issuer and client, the last hour's chart, the outbox and its dead letters, the
/// recent-logouts trail, then the sections other features register. Every value is encoded; no token, secret or
/// application session id is in the model to begin with.
/// </summary>
internal static partial class ConsolePageHtml
{
    /// <param name="pages">The pages other features add (fan-out jobs, configuration findings): linked from the overview.</param>
    public static string Render(ConsoleModel model, string consolePath, string antiforgeryField, string? notice, IReadOnlyList<(string Slot, string Title)> pages)
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
        return Frame("LogoutEnricher console", consolePath, antiforgeryField, model.Now, pages, body.ToString());
    }

    /// <summary>A page of its own (a feature's section, a logout's detail) in the console's frame.</summary>
    public static string Page(string title, string id, string html, string consolePath, string antiforgeryField, DateTimeOffset now, IReadOnlyList<(string Slot, string Title)> pages) =>
        Frame("LogoutEnricher console: " + title, consolePath, antiforgeryField, now, pages,
            "<section id=\"" + Encode(id) + "\"><h2>" + Encode(title) + "</h2>" + html + "</section>");

    private static string Frame(string title, string consolePath, string antiforgeryField, DateTimeOffset now, IReadOnlyList<(string Slot, string Title)> pages, string body)
    {
        var navigation = new StringBuilder("<a href=\"/\">Home</a><a id=\"nav-overview\" href=\"").Append(Encode(consolePath)).Append("\">Overview</a>");
        foreach (var (slot, pageTitle) in pages)
        {
            navigation.Append("<a id=\"nav-").Append(Encode(slot)).Append("\" href=\"").Append(Encode(consolePath + "/" + slot)).Append("\">").Append(Encode(pageTitle)).Append("</a>");
        }

        navigation.Append("<span class=\"muted\">").Append(Encode(Time(now))).Append("</span>")
            .Append("<form class=\"inline\" method=\"post\" action=\"").Append(Encode(consolePath + "/sign-out")).Append("\">").Append(antiforgeryField)
            .Append("<button type=\"submit\" id=\"sign-out\">Sign out</button></form>");
        return HtmlPage.Render(title, navigation.ToString(), body);
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
