using System.Net;
using System.Text.RegularExpressions;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>
/// A browser on the operator console: keeps cookies, follows no redirect by itself (the tests look at each one), and
/// fills forms with the antiforgery token of the page they came from.
/// </summary>
internal sealed partial class ConsoleBrowser : IDisposable
{
    public const string ConsolePath = "/admin/console";

    public ConsoleBrowser(Uri baseAddress)
        : this(baseAddress, new CookieContainer())
    {
    }

    /// <summary>The same browser (its cookies) on another address, e.g. another replica behind the load balancer.</summary>
    public ConsoleBrowser(Uri baseAddress, CookieContainer cookies)
    {
        Cookies = cookies;
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies, UseProxy = false }) { BaseAddress = baseAddress };
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    public async Task SignInWithApiKeyAsync(string apiKey)
    {
        var page = await (await Http.GetAsync(ConsolePath + "/sign-in")).Content.ReadAsStringAsync();
        using var response = await Http.PostAsync(ConsolePath + "/sign-in", Form(page, ("apiKey", apiKey)));
        Assert.Equal(ConsolePath, response.Headers.Location?.OriginalString);
    }

    public async Task<string> PageAsync(string query = "")
    {
        using var response = await Http.GetAsync(ConsolePath + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Reloads the console until <paramref name="condition"/> holds (20 s at most) and returns that page.</summary>
    /// <param name="query">The page's query string, e.g. <c>?q=alice</c>.</param>
    public async Task<string> EventuallyAsync(Func<string, bool> condition, string query = "")
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var page = await PageAsync(query);
            if (condition(page))
            {
                return page;
            }

            Assert.True(DateTime.UtcNow < deadline, "the console never showed the expected state:\n" + page);
            await Task.Delay(200);
        }
    }

    public static FormUrlEncodedContent Form(string page, params (string Name, string Value)[] fields) =>
        new([new("__csrf", WebUtility.HtmlDecode(Antiforgery().Match(page).Groups[1].Value)), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);

    public static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    /// <summary>The rows (<c>&lt;tr class="…"&gt;…&lt;/tr&gt;</c>) of one kind.</summary>
    public static List<string> Rows(string page, string rowClass) =>
        [.. Regex.Matches(page, $"<tr class=\"{Regex.Escape(rowClass)}\">.*?</tr>").Select(m => m.Value)];

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
