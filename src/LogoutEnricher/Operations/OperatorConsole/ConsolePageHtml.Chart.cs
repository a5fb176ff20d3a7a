using System.Globalization;
using System.Text;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using static LogoutEnricher.Operations.Home.HtmlPage;

namespace LogoutEnricher.Operations.OperatorConsole;

internal static partial class ConsolePageHtml
{
    private static readonly (TrailOutcome Outcome, string Color)[] Series =
    [
        (TrailOutcome.Delivered, "#17803d"), (TrailOutcome.Queued, "#8a94a6"), (TrailOutcome.Retrying, "#d97706"), (TrailOutcome.Failed, "#b42318"),
    ];

    /// <summary>Logouts accepted in each of the last 60 minutes, stacked by where they stand now: inline SVG, no script.</summary>
    private static void Chart(StringBuilder html, ConsoleModel model)
    {
        const int Width = 600, Height = 140, Bar = 10;
        var counts = new int[60, Series.Length];
        foreach (var row in model.LastHour)
        {
            var minute = 59 - (int)Math.Floor((model.Now - row.AcceptedAt).TotalMinutes);
            if (minute is >= 0 and < 60)
            {
                if (Array.FindIndex(Series, s => s.Outcome == row.Outcome) is var series and >= 0)
                {
                    counts[minute, series]++;
                }
            }
        }

        var max = 1;
        for (var m = 0; m < 60; m++)
        {
            max = Math.Max(max, Enumerable.Range(0, Series.Length).Sum(s => counts[m, s]));
        }

        html.Append("<section id=\"chart\"><h2>Logouts in the last hour, by outcome</h2>")
            .Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-label=\"Logouts per minute over the last hour\" viewBox=\"0 0 {Width} {Height + 20}\" width=\"100%\" style=\"max-width:{Width}px\">")
            .Append(CultureInfo.InvariantCulture, $"<line x1=\"0\" y1=\"{Height}\" x2=\"{Width}\" y2=\"{Height}\" stroke=\"#b8c0cc\"/>");
        for (var m = 0; m < 60; m++)
        {
            var y = (double)Height;
            for (var s = 0; s < Series.Length; s++)
            {
                if (counts[m, s] == 0)
                {
                    continue;
                }

                var h = counts[m, s] * (Height - 10.0) / max;
                y -= h;
                html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{m * Bar + 1}\" y=\"{y:0.##}\" width=\"{Bar - 2}\" height=\"{h:0.##}\" fill=\"{Series[s].Color}\">")
                    .Append(CultureInfo.InvariantCulture, $"<title>{59 - m} min ago: {counts[m, s]} {Series[s].Outcome.ToString().ToLowerInvariant()}</title></rect>");
            }
        }

        html.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{Height + 15}\" font-size=\"11\" fill=\"#6b7280\">60 min ago</text>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{Width}\" y=\"{Height + 15}\" font-size=\"11\" fill=\"#6b7280\" text-anchor=\"end\">now</text>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{Width}\" y=\"10\" font-size=\"11\" fill=\"#6b7280\" text-anchor=\"end\">max {max}/min</text></svg><p>");
        foreach (var (outcome, color) in Series)
        {
            var total = model.LastHour.Count(r => r.Outcome == outcome);
            html.Append(CultureInfo.InvariantCulture, $"<span style=\"color:{color}\">■</span> ").Append(Encode(outcome.ToString().ToLowerInvariant()))
                .Append(CultureInfo.InvariantCulture, $" <strong id=\"chart-{outcome.ToString().ToLowerInvariant()}\">{total}</strong> &nbsp; ");
        }

        html.Append("</p></section>");
    }
}
