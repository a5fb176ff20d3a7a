using System.Net;
using System.Text.RegularExpressions;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>
/// One browser for the keycloak-connect flow: its own cookie jar, redirects followed by hand (so each hop is visible and
/// "the next request redirects to login" can be asserted), the fake Keycloak's login form filled with a user name.
/// </summary>
internal sealed partial class AdapterBrowser : IDisposable
{
    private readonly HttpClient _client = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Every URL the last navigation (a whole login: to the form and back) passed through, the first one included.</summary>
    public List<Uri> Hops { get; } = [];

    /// <summary>Opens the application's protected page, logs in at the login form as <paramref name="user"/>, and returns the page.</summary>
    public async Task<AdapterPage> LogInAsync(Uri app, string user)
    {
        Hops.Clear();
        var page = await NavigateAsync(new HttpRequestMessage(HttpMethod.Get, app));
        var form = LoginFormPattern().Match(page.Html);
        if (!form.Success)
        {
            throw new InvalidOperationException($"no login form at {page.Url} ({page.Status}): {page.Html}");
        }

        var action = new Uri(page.Url, WebUtility.HtmlDecode(form.Groups["action"].Value));
        page = await NavigateAsync(new HttpRequestMessage(HttpMethod.Post, action)
        {
            Content = new FormUrlEncodedContent([new("username", user)]),
        });
        if (page.Status != HttpStatusCode.OK || page.Url.Authority != app.Authority)
        {
            throw new InvalidOperationException($"the login ended at {page.Url} with {(int)page.Status}: {page.Html}");
        }

        return page;
    }

    /// <summary>Follows redirects from <paramref name="url"/> by hand and returns the page it ends on.</summary>
    public Task<AdapterPage> GoAsync(Uri url)
    {
        Hops.Clear();
        return NavigateAsync(new HttpRequestMessage(HttpMethod.Get, url));
    }

    /// <summary>
    /// One request to the application's protected page, without following: 200 means still logged in; keycloak-connect
    /// answers a request without a valid grant with a redirect to Keycloak's authorization endpoint.
    /// </summary>
    public async Task<bool> IsLoggedInAsync(Uri app)
    {
        using var response = await _client.GetAsync(app);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.AbsolutePath.EndsWith("/protocol/openid-connect/auth", StringComparison.Ordinal) == true)
        {
            return false;
        }

        throw new InvalidOperationException($"{(int)response.StatusCode} from {app}: {await response.Content.ReadAsStringAsync()}");
    }

    public void Dispose() => _client.Dispose();

    private async Task<AdapterPage> NavigateAsync(HttpRequestMessage request)
    {
        var next = request;
        for (var hop = 0; hop < 10; hop++)
        {
            var current = next;
            Hops.Add(current.RequestUri!);
            using (current)
            using (var response = await _client.SendAsync(current))
            {
                if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect))
                {
                    return new AdapterPage(current.RequestUri!, response.StatusCode, await response.Content.ReadAsStringAsync());
                }

                next = new HttpRequestMessage(HttpMethod.Get, new Uri(current.RequestUri!, response.Headers.Location!));
            }
        }

        throw new InvalidOperationException("more than 10 redirects: " + string.Join(" -> ", Hops));
    }

    [GeneratedRegex("<form id=\"kc-form-login\" method=\"post\" action=\"(?<action>[^\"]+)\"")]
    private static partial Regex LoginFormPattern();
}

/// <summary>A page as the browser shows it.</summary>
internal sealed partial record AdapterPage(Uri Url, HttpStatusCode Status, string Html)
{
    /// <summary>The application's status line, e.g. "Logged in as alice".</summary>
    public string Who => Regex.Match(Html, "<p id=\"status\">(.*?)</p>").Groups[1].Value;

    /// <summary>The express session id the application shows (the one keycloak-connect sent as client_session_state).</summary>
    public string ExpressSessionId => Regex.Match(Html, "<code id=\"session\">(.*?)</code>").Groups[1].Value;
}
