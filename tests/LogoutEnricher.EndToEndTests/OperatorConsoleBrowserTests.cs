using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LogoutEnricher.EndToEndTests.Infrastructure;
using Microsoft.Playwright;

namespace LogoutEnricher.EndToEndTests;

/// <summary>
/// The operator console in a real headless Chromium, as an operator uses it after a complaint: an application was down
/// when alice logged out, so its logout became a dead letter; the operator signs in, finds it, retries it once the
/// application is back, and sees it delivered.
/// </summary>
public sealed class OperatorConsoleBrowserTests
{
    private const string ApiKey = "e2e-console-key-known-only-to-the-operator";

    [Fact]
    public async Task Console_DeadLetterFromADownApplication_RetriedAfterItRecovers_IsDelivered()
    {
        await using var chromium = await HeadlessChromium.StartAsync();
        await using var environment = await OidcProviderEnvironment.StartAsync(new()
        {
            ["LogoutEnricher:Admin:Enabled"] = "true",
            ["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey))),
            ["LogoutEnricher:Delivery:Mode"] = "Queued",
            ["LogoutEnricher:Delivery:MaxAge"] = "00:00:03",
            ["LogoutEnricher:Delivery:InitialBackoff"] = "00:00:00.200",
            ["LogoutEnricher:Delivery:MaxBackoff"] = "00:00:01",
            ["LogoutEnricher:Delivery:PollInterval"] = "00:00:00.200",
        });
        using var person = new Browser();
        await person.LogInAsync(environment.First.BaseUrl, "alice");
        var second = await person.LogInAsync(environment.Second.BaseUrl, "alice");
        var secondSession = environment.Second.SessionIdShownOn(second);

        // demo-app-2 is down while alice logs out everywhere: its delivery fails until it expires into a dead letter.
        await environment.Second.StopAsync();
        await person.LogOutAsync(environment.First.BaseUrl);

        var page = await chromium.NewPageAsync();
        await HeadlessChromium.OpenAsync(page, new Uri(environment.SidecarUrl, "admin/console").ToString());
        Assert.EndsWith("/admin/console/sign-in", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#apiKey", ApiKey);
        await page.ClickAsync("#sign-in");
        await WaitForUrlAsync(page, "/admin/console");

        var deadLetter = page.Locator("tr.dead-letter", new() { HasText = SidecarAndApps.SecondClientId });
        await Requirement.EventuallyAsync(async () => await ReloadedCountAsync(page, deadLetter) == 1, "the console shows demo-app-2's dead letter", 30);
        Assert.Contains("expired", await deadLetter.InnerTextAsync(), StringComparison.Ordinal);
        await page.FillAsync("#q", "alice");
        await page.ClickAsync("#search");
        await WaitForUrlAsync(page, "q=alice");
        await HeadlessChromium.ScreenshotAsync(page, "console-dead-letter");

        // The application is back; the operator retries.
        await environment.Second.RestartAsync();
        await deadLetter.Locator("button.retry").ClickAsync();
        await page.WaitForSelectorAsync("#notice");
        var delivered = page.Locator("tr.trail-row", new() { HasText = SidecarAndApps.SecondClientId }).Locator("td.outcome");
        await Requirement.EventuallyAsync(async () => await ReloadedCountAsync(page, page.Locator("tr.dead-letter")) == 0
            && await delivered.First.InnerTextAsync() == "delivered", "the retried logout is delivered", 30);
        await HeadlessChromium.OpenAsync(page, new Uri(environment.SidecarUrl, "admin/console?q=alice").ToString());
        await HeadlessChromium.ScreenshotAsync(page, "console-delivered");

        var logout = Assert.Single(environment.Second.Sessions.Logouts);
        Assert.Equal([secondSession], logout.AdapterSessionIds);
        Assert.Equal("0", await page.Locator("#outbox-dead").InnerTextAsync());
        Assert.DoesNotContain(secondSession, await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_TwoReplicasOnRedis_AnswerWhetherAlicesLogoutReachedDemoApp2WhenAndAfterHowManyAttempts()
    {
        if (Environment.GetEnvironmentVariable("LOGOUTENRICHER_TEST_REDIS") is not { Length: > 0 } redis)
        {
            Requirement.Missing("LOGOUTENRICHER_TEST_REDIS is not set: source .ci/services/redis.sh");
            return;
        }

        await using var chromium = await HeadlessChromium.StartAsync();
        await using var environment = await OidcProviderEnvironment.StartAsync(new()
        {
            ["LogoutEnricher:Admin:Enabled"] = "true",
            ["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey))),
            ["LogoutEnricher:Storage:Provider"] = "Redis",
            ["LogoutEnricher:Storage:Redis:Configuration"] = redis,
            ["LogoutEnricher:Storage:Redis:KeyPrefix"] = $"e2e-{Guid.NewGuid():N}:",
            ["LogoutEnricher:Storage:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["LogoutEnricher:Delivery:Mode"] = "Queued",
            ["LogoutEnricher:Delivery:MaxAge"] = "00:01:00",
            ["LogoutEnricher:Delivery:InitialBackoff"] = "00:00:00.500",
            ["LogoutEnricher:Delivery:MaxBackoff"] = "00:00:01",
            ["LogoutEnricher:Delivery:PollInterval"] = "00:00:00.200",
        });
        var replicaB = environment.StartReplica();
        using var person = new Browser();
        await person.LogInAsync(environment.First.BaseUrl, "alice");
        await person.LogInAsync(environment.Second.BaseUrl, "alice");
        using var bob = new Browser();
        await bob.LogInAsync(environment.Second.BaseUrl, "bob");

        // demo-app-2 is down when alice logs out (through replica A): its delivery is refused, retried, and reaches it once it is back.
        await environment.Second.StopAsync();
        await person.LogOutAsync(environment.First.BaseUrl);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await environment.Second.RestartAsync();
        await Requirement.EventuallyAsync(() => environment.Second.Sessions.Logouts.Count == 1, "demo-app-2 gets alice's logout", 30);

        // The operator asks the other replica.
        var page = await chromium.NewPageAsync();
        await HeadlessChromium.OpenAsync(page, new Uri(replicaB, "admin/console").ToString());
        await page.FillAsync("#apiKey", ApiKey);
        await page.ClickAsync("#sign-in");
        await WaitForUrlAsync(page, "/admin/console");
        await page.FillAsync("#q", "alice demo-app-2");
        await page.ClickAsync("#search");
        await WaitForUrlAsync(page, "q=alice+demo-app-2");
        var row = page.Locator("tr.trail-row");
        await Requirement.EventuallyAsync(async () => await ReloadedCountAsync(page, row) == 1
            && await row.Locator("td.outcome").InnerTextAsync() == "delivered", "replica B's trail shows alice's logout at demo-app-2 delivered", 30);
        Assert.Contains(SidecarAndApps.SecondClientId, await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", await row.Locator("td.delivered-at").InnerTextAsync());
        var attempts = int.Parse(await row.Locator("td.attempts").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(attempts >= 2, $"{attempts} attempts");
        await HeadlessChromium.ScreenshotAsync(page, "console-trail");

        await row.Locator("a.detail").ClickAsync();
        await page.WaitForSelectorAsync("#logout");
        var tried = page.Locator("tr.attempt");
        Assert.Equal(attempts, await tried.CountAsync());
        Assert.Equal("HTTP 200", await tried.Last.Locator("td.status").InnerTextAsync());
        Assert.Equal("delivered", await page.Locator("#logout td.outcome").First.InnerTextAsync());
        Assert.DoesNotContain("bob", await page.ContentAsync(), StringComparison.Ordinal);
        await HeadlessChromium.ScreenshotAsync(page, "console-logout-detail");

        await HeadlessChromium.OpenAsync(page, new Uri(replicaB, "admin/console/fan-out-jobs").ToString());
        Assert.Equal("Fan-out jobs", await page.Locator("#fan-out-jobs h2").InnerTextAsync());
        await HeadlessChromium.OpenAsync(page, new Uri(replicaB, "admin/console/configuration-findings").ToString());
        Assert.Equal("Configuration findings", await page.Locator("#configuration-findings h2").InnerTextAsync());
    }

    [Fact]
    public async Task Console_OidcSignInAtTheProvider_OperatorWithTheRoleSeesTheConsoleAndAnotherUserA403Page()
    {
        await using var chromium = await HeadlessChromium.StartAsync();
        await using var environment = await OidcProviderEnvironment.StartAsync(
            new() { ["LogoutEnricher:Admin:Enabled"] = "true" },
            new ConsoleOidcSetup("logoutenricher-console", "logoutenricher", "logoutenricher-admin", "operator"));
        var console = new Uri(environment.SidecarUrl, "admin/console").ToString();

        var page = await chromium.NewPageAsync();
        await HeadlessChromium.OpenAsync(page, console);
        Assert.EndsWith("/admin/console/sign-in", page.Url, StringComparison.Ordinal);
        Assert.Equal("Sign in with " + environment.Provider.Issuer, await page.Locator("#sign-in-oidc").InnerTextAsync());
        await page.ClickAsync("#sign-in-oidc");
        await SignInAtProviderAsync(page, "operator");

        // Note: the cookie is SameSite=Strict; that Chromium shows the console proves the hop after the provider's
        // redirect (the signed-in page) lets it be sent.
        await WaitForUrlAsync(page, "/admin/console");
        Assert.Equal("Issuers and clients", await page.Locator("#clients h2").InnerTextAsync());

        var other = await chromium.NewPageAsync();
        await HeadlessChromium.OpenAsync(other, console + "/sign-in");
        await other.ClickAsync("#sign-in-oidc");
        await SignInAtProviderAsync(other, "alice");
        await other.WaitForSelectorAsync("#forbidden");
        Assert.Contains("as alice, but that account's access token does not grant the role logoutenricher-admin", await other.Locator("#forbidden").InnerTextAsync(), StringComparison.Ordinal);
        await HeadlessChromium.OpenAsync(other, console);
        await Assertions.Expect(other).ToHaveURLAsync(new Regex("/admin/console/sign-in$"));
    }

    /// <summary>
    /// Waits until the page's URL ends with <paramref name="ending"/> and the signed-in console is there (its sign-out
    /// button); a timeout says where the page is instead. Note: both are polled, as a person would look; waiting for a
    /// navigation event or the load event missed navigations that had already happened (a meta refresh, a redirect)
    /// on a busy machine.
    /// </summary>
    private static async Task WaitForUrlAsync(IPage page, string ending)
    {
        try
        {
            await Assertions.Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(ending) + "$"));
            await Assertions.Expect(page.Locator("#sign-out")).ToBeVisibleAsync();
        }
        catch (PlaywrightException exception)
        {
            var text = await page.Locator("body").InnerTextAsync(new() { Timeout = 2_000 }).ConfigureAwait(false);
            throw new TimeoutException($"still at {page.Url} instead of …{ending}: {text[..Math.Min(text.Length, 600)]}", exception);
        }
    }

    /// <summary>oidc-provider's development login form (any password), then its consent form.</summary>
    private static async Task SignInAtProviderAsync(IPage page, string login)
    {
        await page.FillAsync("input[name=login]", login);
        await page.FillAsync("input[name=password]", "any");
        await page.ClickAsync("button[type=submit]");
        await page.Locator("input[name=prompt][value=consent]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.ClickAsync("button[type=submit]");
    }

    private static async Task<int> ReloadedCountAsync(IPage page, ILocator locator)
    {
        await HeadlessChromium.ReloadAsync(page);
        return await locator.CountAsync();
    }
}
