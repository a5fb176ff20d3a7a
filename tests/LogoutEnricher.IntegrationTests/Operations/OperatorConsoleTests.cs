using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Http;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// The operator console as a browser uses it: sign in once with the admin API key, then a cookie; every action
/// carries an antiforgery token; a dead letter is found, retried after the application recovered, and delivered.
/// </summary>
public sealed partial class OperatorConsoleTests : IAsyncLifetime
{
    private const string ApiKey = "console-key-that-only-the-operator-knows";
    private const string ConsolePath = "/admin/console";

    /// <summary>The outcome cell of a delivered logout (the word alone also names the "delivered-at" column).</summary>
    private const string DeliveredOutcome = "<td class=\"outcome ok\">delivered</td>";

    private TestEnvironment _env = null!;
    private ConsoleBrowser _console = null!;
    private HttpClient _browser = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await TestEnvironment.StartAsync(settings =>
        {
            TestEnvironment.Queued(settings);
            settings["LogoutEnricher:Admin:Enabled"] = "true";
            settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
        });
        _console = new ConsoleBrowser(_env.Client.BaseAddress!);
        _browser = _console.Http;
    }

    public async ValueTask DisposeAsync()
    {
        _console.Dispose();
        await _env.DisposeAsync();
    }

    [Theory]
    [InlineData("/sign-in", "multipart")]
    [InlineData("/sign-in", "too-many-fields")]
    [InlineData("/sign-out", "multipart")]
    public async Task Console_FormThatCannotBeRead_IsRefusedNotA500(string path, string body)
    {
        // Anyone can post these forms before signing in; one that cannot be read is a bad request, not a server error.
        HttpContent content = body == "multipart"
            ? new StringContent("--x\r\nbroken", Encoding.UTF8)
            : new FormUrlEncodedContent(Enumerable.Range(0, 1100).Select(n => KeyValuePair.Create($"f{n}", "v")));
        if (body == "multipart")
        {
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        }

        using var response = await _browser.PostAsync(ConsolePath + path, content);

        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {path}");
        Assert.DoesNotContain(_env.Logs.Events, e => e.Level >= Serilog.Events.LogEventLevel.Error);
    }

    [Fact]
    public async Task Console_NotSignedIn_RedirectsToSignInAndShowsNothing()
    {
        using var response = await _browser.GetAsync(ConsolePath);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(ConsolePath + "/sign-in", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignIn_WrongKey_IsRefusedAndSetsNoSessionCookie()
    {
        using var response = await SignInAsync(ApiKey + "x");

        Assert.Equal(ConsolePath + "/sign-in?failed=1", response.Headers.Location?.OriginalString);
        Assert.DoesNotContain(SetCookies(response), c => c.StartsWith(".LogoutEnricher.Console=", StringComparison.Ordinal));
        using var console = await _browser.GetAsync(ConsolePath);
        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
    }

    [Fact]
    public async Task SignIn_ApiKey_SetsHttpOnlyStrictShortLivedCookieScopedToTheConsole()
    {
        using var response = await SignInAsync(ApiKey);

        Assert.Equal(ConsolePath, response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(SetCookies(response), c => c.StartsWith(".LogoutEnricher.Console=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/admin/console", cookie, StringComparison.Ordinal);
        var page = await PageAsync();
        Assert.Contains("<h2>Issuers and clients</h2>", page, StringComparison.Ordinal);
        Assert.Contains(The.ClientId, page, StringComparison.Ordinal);
        Assert.Contains("id=\"nav-fan-out-jobs\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"nav-configuration-findings\"", page, StringComparison.Ordinal);
        Assert.Contains("<section id=\"fan-out-jobs\">", await PageAsync("/fan-out-jobs"), StringComparison.Ordinal);
        Assert.Contains("<section id=\"configuration-findings\">", await PageAsync("/configuration-findings"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_PageViews_LogNoWarning()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);
        (await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().Sign())).Dispose();
        await _env.App.WaitForAsync(1);
        (await SignInAsync(ApiKey)).Dispose();

        var page = await EventuallyAsync(p => TrailRows(p).Count == 1);
        var detail = DetailLink().Match(page).Groups[1].Value;
        for (var i = 0; i < 3; i++)
        {
            await PageAsync();
            await PageAsync("?q=" + The.Subject);
            await PageAsync("/fan-out-jobs");
            await PageAsync(WebUtility.HtmlDecode(detail)[ConsolePath.Length..]);
        }

        Assert.DoesNotContain(_env.Logs.Events, e => e.Level >= Serilog.Events.LogEventLevel.Warning);
    }

    [Fact]
    public async Task Trail_DetailPage_ListsEveryAttemptWithAcceptedAndDeliveredAt()
    {
        await DeadLetterOneLogoutAsync();
        _env.App.StatusCode = StatusCodes.Status200OK;
        var page = await PageAsync();
        using var retry = await _browser.PostAsync(WebUtility.HtmlDecode(RetryAction().Match(page).Groups[1].Value), Form(page));
        await _env.App.WaitUntilAsync(a => a.Received.Count(r => r.Valid) == 2, TimeSpan.FromSeconds(15));
        var delivered = await EventuallyAsync(p => TrailRows(p).Single().Contains("outcome ok", StringComparison.Ordinal), "?q=" + The.Subject + "%20" + The.ClientId);

        var detail = await PageAsync(WebUtility.HtmlDecode(DetailLink().Match(delivered).Groups[1].Value)[ConsolePath.Length..]);

        Assert.Contains("<th>Accepted at</th>", TrailHeader().Match(delivered).Value, StringComparison.Ordinal);
        Assert.Contains("<th>Delivered at</th>", TrailHeader().Match(delivered).Value, StringComparison.Ordinal);
        var attempts = ConsoleBrowser.Rows(detail, "attempt");
        Assert.Equal(2, attempts.Count);
        Assert.Contains("HTTP 400", attempts[0], StringComparison.Ordinal);
        Assert.Contains("HTTP 200", attempts[1], StringComparison.Ordinal);
        Assert.Matches("<td class=\"delivered-at\">\\d{4}-", detail);
        Assert.Contains("<td class=\"outcome ok\">delivered</td>", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(The.Sid, detail, StringComparison.Ordinal);
        Assert.DoesNotContain(The.AppSessionId, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryAll_WithoutAntiforgeryToken_Returns400AndRetriesNothing()
    {
        await DeadLetterOneLogoutAsync();
        (await SignInAsync(ApiKey)).Dispose();

        using var response = await _browser.PostAsync(ConsolePath + "/dead-letters/retry-all", new FormUrlEncodedContent([]));
        await Task.Delay(500);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(_env.App.Received);
        Assert.Single(DeadLetterRows(await PageAsync()));
    }

    [Fact]
    public async Task DeadLetter_RetriedFromTheConsoleAfterTheAppRecovers_IsDeliveredAndTheTrailSaysSo()
    {
        await DeadLetterOneLogoutAsync();
        (await SignInAsync(ApiKey)).Dispose();
        var page = await PageAsync();
        var row = Assert.Single(DeadLetterRows(page));
        Assert.Contains("HTTP 400", row, StringComparison.Ordinal);
        Assert.Contains("<td class=\"outcome bad\">failed</td>", TrailRows(page).Single(), StringComparison.Ordinal);

        _env.App.StatusCode = StatusCodes.Status200OK;
        var retry = RetryAction().Match(page).Groups[1].Value;
        using var response = await _browser.PostAsync(WebUtility.HtmlDecode(retry), Form(page));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await _env.App.WaitUntilAsync(a => a.Received.Count(r => r.Valid) == 2, TimeSpan.FromSeconds(15));
        Assert.Equal([The.AppSessionId], _env.App.Received.Last().AdapterSessionIds);
        var after = await EventuallyAsync(p => TrailRows(p).Single().Contains(DeliveredOutcome, StringComparison.Ordinal));
        Assert.Empty(DeadLetterRows(after));
        var trail = TrailRows(after).Single();
        Assert.Contains($"<td>{The.Subject}</td>", trail, StringComparison.Ordinal);
        Assert.Contains("<td class=\"attempts\">2</td>", trail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trail_SearchByRawSid_FindsTheLogoutWithoutShowingTheSidOrAppSessionId()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);
        using var logout = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().Sign());
        await _env.App.WaitForAsync(1);
        (await SignInAsync(ApiKey)).Dispose();

        var found = await EventuallyAsync(p => TrailRows(p).Count == 1 && TrailRows(p)[0].Contains(DeliveredOutcome, StringComparison.Ordinal), "?q=" + The.Sid);
        var none = await PageAsync("?q=no-such-user");

        Assert.Empty(TrailRows(none));
        Assert.DoesNotContain($"<td>{The.Sid}</td>", found, StringComparison.Ordinal);
        Assert.DoesNotContain(The.AppSessionId, found, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", found, StringComparison.Ordinal);
        Assert.Contains("<strong id=\"chart-delivered\">1</strong>", found, StringComparison.Ordinal);
    }

    /// <summary>The application refuses (400, permanent): the queued logout becomes a dead letter.</summary>
    private async Task DeadLetterOneLogoutAsync()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);
        _env.App.StatusCode = StatusCodes.Status400BadRequest;
        using var logout = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().Sign());
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        await _env.App.WaitForAsync(1);
        await EventuallyAsync(p => DeadLetterRows(p).Count == 1, signIn: true);
    }

    private async Task<HttpResponseMessage> SignInAsync(string key)
    {
        var page = await (await _browser.GetAsync(ConsolePath + "/sign-in")).Content.ReadAsStringAsync();
        return await _browser.PostAsync(ConsolePath + "/sign-in", Form(page, ("apiKey", key)));
    }

    private Task<string> PageAsync(string query = "") => _console.PageAsync(query);

    private async Task<string> EventuallyAsync(Func<string, bool> condition, string query = "", bool signIn = false)
    {
        if (signIn)
        {
            (await SignInAsync(ApiKey)).Dispose();
        }

        return await _console.EventuallyAsync(condition, query);
    }

    private static FormUrlEncodedContent Form(string page, params (string Name, string Value)[] fields) => ConsoleBrowser.Form(page, fields);

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) => ConsoleBrowser.SetCookies(response);

    private static List<string> DeadLetterRows(string page) => ConsoleBrowser.Rows(page, "dead-letter");

    private static List<string> TrailRows(string page) => ConsoleBrowser.Rows(page, "trail-row");

    [GeneratedRegex("<form class=\"inline\" method=\"post\" action=\"([^\"]+/retry)\">")]
    private static partial Regex RetryAction();

    [GeneratedRegex("<a class=\"detail\" href=\"([^\"]+)\">")]
    private static partial Regex DetailLink();

    [GeneratedRegex("<table><tr><th>Accepted at</th>.*?</tr>")]
    private static partial Regex TrailHeader();
}
