using Microsoft.Playwright;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>
/// Debian's Chromium, headless, driven through Playwright: what a person sees and clicks. Playwright never downloads
/// a browser here; it launches the system one (<c>LOGOUTENRICHER_CHROMIUM</c>, else <c>/usr/bin/chromium</c>, which
/// <c>.ci/services/chromium.sh</c> installs).
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    /// <summary>How long a page, an element or a URL is waited for: every wait of these tests, Playwright's own included.</summary>
    public const int TimeoutSeconds = 20;

    public IBrowser Browser { get; }

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("LOGOUTENRICHER_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Starts the browser, or skips (fails in CI) when Chromium is not installed.</summary>
    public static async Task<HeadlessChromium> StartAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            Requirement.Missing($"Chromium is not installed at {ExecutablePath}: apt-get install -y chromium (CI does it in .ci/services/chromium.sh)");
        }

        Assertions.SetDefaultExpectTimeout(TimeoutSeconds * 1000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        return new HeadlessChromium(playwright, browser);
    }

    /// <summary>A fresh browser profile: its own cookies, as a separate person or device would have.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 760 } });
        context.SetDefaultTimeout(TimeoutSeconds * 1000);
        return await context.NewPageAsync();
    }

    /// <summary>Opens <paramref name="url"/> and waits until its page is there (see <see cref="NavigateAsync"/>).</summary>
    public static Task OpenAsync(IPage page, string url) =>
        NavigateAsync(page, () => page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Commit }));

    /// <summary>Reloads the page and waits until the new copy is there (see <see cref="NavigateAsync"/>).</summary>
    public static Task ReloadAsync(IPage page) =>
        NavigateAsync(page, () => page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.Commit }));

    /// <summary>
    /// Runs <paramref name="action"/> (a click, a goto, a reload) and waits until the page shows the next document,
    /// parsed: the previous one is marked, and the page is polled until a document without the mark is past loading.
    /// Note: Playwright's navigation and load events were seen missed on a busy machine (the page had long arrived,
    /// the wait timed out); polling what the page is cannot miss it.
    /// </summary>
    public static async Task NavigateAsync(IPage page, Func<Task> action)
    {
        await page.EvaluateAsync("() => { window.logoutEnricherPreviousDocument = true; }");
        var from = page.Url;
        await action();
        await Requirement.EventuallyAsync(async () =>
        {
            try
            {
                return await page.EvaluateAsync<bool>("() => window.logoutEnricherPreviousDocument !== true && document.readyState !== 'loading'");
            }
            catch (PlaywrightException)
            {
                // The previous document went away during the call: the next one is on its way.
                return false;
            }
        }, $"a new page after the one at {from}", TimeoutSeconds);
    }

    /// <summary>Saves what the page shows into the test output (<c>screenshots/</c>), for docs/images and for failures.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
