using System.Text;
using System.Text.Encodings.Web;

namespace LogoutEnricher.Operations.Home;

/// <summary>
/// The frame of LogoutEnricher's own pages (home, operator console): inline CSS, no script, nothing fetched from
/// elsewhere, so they work offline and under a strict Content-Security-Policy. Every value goes through
/// <see cref="Encode"/>; only literal markup is appended raw.
/// </summary>
internal static class HtmlPage
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private const string Style = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2430;background:#f5f6f8}
        header{background:#1d2430;color:#fff;padding:.7rem 1.5rem;display:flex;gap:1.5rem;align-items:baseline}
        header h1{font-size:1.15rem;margin:0} header a{color:#c9d6ff} main{padding:1rem 1.5rem;max-width:80rem}
        section{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:.8rem 1rem;margin:0 0 1rem}
        h2{font-size:1.05rem;margin:.1rem 0 .6rem} table{border-collapse:collapse;width:100%;font-size:14px}
        th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eceef2;vertical-align:top}
        th{font-weight:600;color:#4a5568} .ok{color:#17803d;font-weight:600} .bad{color:#b42318;font-weight:600}
        .warn{color:#b54708;font-weight:600} .muted{color:#6b7280} code{background:#eef0f4;padding:0 .25rem;border-radius:3px}
        form.inline{display:inline} button{font:inherit;padding:.2rem .7rem;border:1px solid #8a94a6;border-radius:4px;background:#fff;cursor:pointer}
        button.primary{background:#2454d6;border-color:#2454d6;color:#fff} input[type=text],input[type=password],input[type=search]{font:inherit;padding:.25rem .4rem;border:1px solid #b8c0cc;border-radius:4px}
        .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem}
        """;

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    /// <param name="title">Plain text, encoded here.</param>
    /// <param name="navigation">Trusted markup for the header (links), or empty.</param>
    /// <param name="body">Trusted markup, built with <see cref="Encode"/> for every value.</param>
    public static string Render(string title, string navigation, string body)
    {
        var html = new StringBuilder(body.Length + 2048);
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(title)).Append("</title><style>").Append(Style).Append("</style></head><body>")
            .Append("<header><h1>").Append(Encode(title)).Append("</h1>").Append(navigation).Append("</header><main>")
            .Append(body).Append("</main></body></html>");
        return html.ToString();
    }

    /// <param name="contentSecurityPolicy">The page's policy; <see cref="ContentSecurityPolicy"/> unless given.</param>
    public static IResult Result(string html, int statusCode = StatusCodes.Status200OK, string? contentSecurityPolicy = null) =>
        new PageResult(html, statusCode, contentSecurityPolicy ?? ContentSecurityPolicy);

    private sealed class PageResult(string html, int statusCode, string contentSecurityPolicy) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = statusCode;
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            httpContext.Response.Headers.CacheControl = "no-cache, no-store";
            httpContext.Response.Headers.ContentSecurityPolicy = contentSecurityPolicy;
            httpContext.Response.Headers.XContentTypeOptions = "nosniff";
            httpContext.Response.Headers["Referrer-Policy"] = "no-referrer";
            return httpContext.Response.WriteAsync(html);
        }
    }
}
