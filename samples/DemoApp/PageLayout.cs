using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace DemoApp;

/// <summary>The frame every page of the demo shares: a little CSS, no script, nothing loaded from elsewhere.</summary>
public static class PageLayout
{
    private const string Style = """
        body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #f6f8fa; margin: 0; }
        main { max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
        header { display: flex; align-items: baseline; justify-content: space-between; }
        h1 { font-size: 1.4rem; margin: 0 0 1rem; } h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
        section { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
        section > :first-child { margin-top: 0; } section > :last-child { margin-bottom: 0; }
        table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #eaeef2; }
        th { font-weight: 600; color: #57606a; font-size: .85rem; }
        code { font: .9em ui-monospace, SFMono-Regular, Menlo, monospace; background: #eff1f3; padding: .1em .35em; border-radius: 4px; }
        .button, button { font: inherit; background: #1f6feb; color: #fff; border: 0; border-radius: 6px; padding: .45rem 1rem; cursor: pointer; text-decoration: none; display: inline-block; }
        #status { font-size: 1.1rem; } .muted { color: #57606a; } .empty { color: #57606a; font-style: italic; }
        .ended { color: #1a7f37; font-weight: 600; } .kept { color: #9a6700; font-weight: 600; } .problem { border-color: #cf222e; }
        """;

    public static IResult Html(string title, string body, int statusCode = StatusCodes.Status200OK)
    {
        var html = HtmlEncoder.Default;
        var page = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append($"<title>{html.Encode(title)}</title><style>{Style}</style></head><body><main>")
            .Append(body)
            .Append("</main></body></html>");
        return Results.Content(page.ToString(), "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    /// <summary>A time as the person at this machine reads it: local time, with its offset from UTC.</summary>
    public static string LocalTime(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, TimeZoneInfo.Local);
        var offset = local.Offset == TimeSpan.Zero ? "UTC" : "UTC" + local.ToString("zzz", CultureInfo.InvariantCulture);
        return $"<time datetime=\"{time.UtcDateTime:O}\">{local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} {offset}</time>";
    }
}
