using System.Text;

namespace LogoutEnricher.IntegrationTests.Fuzz;

/// <summary>What a browser holds on the console: its cookies and the antiforgery token of a page, signed in and not.</summary>
internal sealed record ConsoleSession(string AnonymousCookies, string AnonymousToken, string SignedInCookies, string SignedInToken);

internal sealed partial class RouteFuzzer
{
    private const string ConsolePath = "/admin/console";

    private static readonly string[] ConsoleQueries = ["", "?q=alice", "?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "?q=" + new string('q', 5000), "?q=%ZZ", "?retried=-1", "?retried=x",
        "?retried=99999999999", "?failed=1", "?q=\u0000", "?q=a&q=b"];

    /// <summary>The operator console: pages and forms, signed in and not, with right, wrong and missing antiforgery tokens.</summary>
    private FuzzExchange Console(Random random)
    {
        var signedIn = console is not null && random.Next(3) != 0;
        var headers = new List<KeyValuePair<string, string>>();
        var token = "";
        if (console is not null)
        {
            headers.Add(new("Cookie", signedIn ? console.SignedInCookies : console.AnonymousCookies));
            token = random.Next(5) switch
            {
                0 => "",
                1 => "forged" + random.Next(),
                2 => signedIn ? console.AnonymousToken : console.SignedInToken,
                _ => signedIn ? console.SignedInToken : console.AnonymousToken,
            };
        }

        if (random.Next(2) == 0)
        {
            // GET of a page (with odd queries), or of a form's route.
            var page = Pick(random, ["", "", "/sign-in", "/signed-in", "/sign-out", "/dead-letters/retry-all", "/x", "/sign-in/oidc", "/"]);
            return new FuzzExchange("console", HttpMethod.Get, ConsolePath + page + Pick(random, ConsoleQueries), null, null, false, headers);
        }

        var (path, fields) = random.Next(5) switch
        {
            0 or 1 => ("/sign-in", "apiKey=" + Uri.EscapeDataString(Pick(random, [adminApiKey, adminApiKey + "x", "", new string('k', 8000), "%ZZ"]))),
            2 => ("/dead-letters/" + Pick(random, ["1", "-1", "x", "99999999999999999999", "%00", new string('9', 400)]) + "/retry", ""),
            3 => ("/dead-letters/retry-all", ""),
            _ => (Pick(random, ["/sign-out", "/sign-in/oidc", ""]), ""),
        };
        var form = random.Next(6) switch
        {
            0 => RandomBytes(random, 2048),
            1 => Encoding.UTF8.GetBytes(fields + "&apiKey=second&__csrf=" + Uri.EscapeDataString(token) + "&__csrf=" + Uri.EscapeDataString(token)),
            _ => Encoding.UTF8.GetBytes("__csrf=" + Uri.EscapeDataString(token) + (fields.Length > 0 ? "&" + fields : "")),
        };
        var contentType = Pick(random, [Form, Form, Form, "multipart/form-data; boundary=x", "application/json", "text/plain", null]);
        return new FuzzExchange("console", HttpMethod.Post, ConsolePath + path, contentType, form, random.Next(5) == 0, headers);
    }
}
