using System.Net;
using System.Text.RegularExpressions;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>
/// One browser session: its own cookie jar, redirects followed. It drives oidc-provider's development login and
/// consent forms and the logout confirmation over plain HTTP, as a person would click through them.
/// </summary>
internal sealed partial class Browser : IDisposable
{
    private readonly HttpClient _client = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true, UseProxy = false })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The page the browser ended on after the last navigation.</summary>
    public Page Current { get; private set; } = new(new Uri("about:blank"), "");

    public Task<Page> GoAsync(Uri url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

    public Task<Page> SubmitAsync(Uri action, params (string Name, string Value)[] fields) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, action)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        });

    /// <summary>Opens the application's login and answers the provider's login and consent prompts as <paramref name="user"/>.</summary>
    public async Task<Page> LogInAsync(Uri app, string user)
    {
        var page = await GoAsync(new Uri(app, "login"));
        for (var step = 0; step < 4 && page.Url.AbsolutePath.StartsWith("/interaction/", StringComparison.Ordinal); step++)
        {
            page = PromptPattern().Match(page.Html).Groups[1].Value switch
            {
                "login" => await SubmitAsync(page.Url, ("prompt", "login"), ("login", user), ("password", "any")),
                "consent" => await SubmitAsync(page.Url, ("prompt", "consent")),
                var other => throw new InvalidOperationException($"unexpected prompt '{other}' at {page.Url}"),
            };
        }

        return page;
    }

    /// <summary>RP-initiated logout from the application: its logout button, then "Yes, sign me out" at the provider.</summary>
    public async Task<Page> LogOutAsync(Uri app)
    {
        var confirm = await SubmitAsync(new Uri(app, "logout"));
        var form = LogoutFormPattern().Match(confirm.Html);
        if (!form.Success)
        {
            throw new InvalidOperationException($"no logout confirmation at {confirm.Url}: {confirm.Html}");
        }

        return await SubmitAsync(new Uri(confirm.Url, form.Groups["action"].Value), ("xsrf", form.Groups["xsrf"].Value), ("logout", "yes"));
    }

    public void Dispose() => _client.Dispose();

    private async Task<Page> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await _client.SendAsync(request))
        {
            var html = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{(int)response.StatusCode} at {response.RequestMessage!.RequestUri}: {html}");
            }

            Current = new Page(response.RequestMessage!.RequestUri!, html);
            return Current;
        }
    }

    [GeneratedRegex("name=\"prompt\" value=\"([a-z]+)\"")]
    private static partial Regex PromptPattern();

    [GeneratedRegex("<form id=\"op.logoutForm\" method=\"post\" action=\"(?<action>[^\"]+)\"><input type=\"hidden\" name=\"xsrf\" value=\"(?<xsrf>[^\"]+)\"")]
    private static partial Regex LogoutFormPattern();
}

/// <summary>A page as the browser shows it.</summary>
internal sealed partial record Page(Uri Url, string Html)
{
    /// <summary>The DemoApp page's status line: who is logged in, or "Not logged in."</summary>
    public string Status => StatusPattern().Match(Html) is { Success: true } match ? Regex.Replace(match.Groups[1].Value, "<[^>]+>", "") : "";

    [GeneratedRegex("<p id=\"status\">(.*?)</p>")]
    private static partial Regex StatusPattern();
}
