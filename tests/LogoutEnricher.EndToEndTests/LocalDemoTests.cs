using System.Net.Sockets;
using System.Text.RegularExpressions;
using LogoutEnricher.EndToEndTests.Infrastructure;
using Microsoft.Playwright;

namespace LogoutEnricher.EndToEndTests;

/// <summary>
/// The README's "Try it in two minutes", done as a person does it: <c>samples/run-local.sh</c>, then a real (headless)
/// Chromium logs in to both demo applications, logs out in one and sees the other one's session end.
/// </summary>
public sealed class LocalDemoTests
{
    [Fact]
    public async Task LocalDemo_LogOutInOneApplication_TheOtherShowsItsSessionEnded()
    {
        await using var demo = await LocalDemo.StartAsync();
        await using var chromium = await HeadlessChromium.StartAsync();
        var page = await chromium.NewPageAsync();

        await LogInAsync(page, demo.FirstApp, "alice");
        await LogInAsync(page, demo.SecondApp, "alice");
        await HeadlessChromium.ScreenshotAsync(page, "demo-logged-in");

        await HeadlessChromium.OpenAsync(page, demo.FirstApp.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out (everywhere)" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out" }).ClickAsync();
        // Note: polled, not a navigation event: the provider's redirects back may already be over when a waiter starts.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(demo.FirstApp.ToString())));
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Not logged in.");
        // The application ended its own session at once, without waiting for the back-channel logout.
        Assert.True(await page.Locator("#no-sessions").IsVisibleAsync(), "demo-app-1 still lists a local session after its own logout");

        // The provider's back-channel logout travels through LogoutEnricher's outbox: reload until it has arrived.
        var logouts = page.Locator("#logouts");
        await Requirement.EventuallyAsync(async () =>
        {
            await HeadlessChromium.OpenAsync(page, demo.SecondApp.ToString());
            return await logouts.CountAsync() > 0;
        }, "demo-app-2 shows a received back-channel logout", seconds: 30);
        // Note: the whole page in the message (its local sessions, and the ids each received logout named), so that a
        // logout that reached the application but ended another session can be told from one that ended none.
        var status = await page.Locator("#status").InnerTextAsync();
        Assert.True(status == "Not logged in.", $"demo-app-2 after the logout: {status}\n{await page.Locator("body").InnerTextAsync()}");
        var received = await logouts.InnerTextAsync();
        Assert.Contains("alice", received, StringComparison.Ordinal);
        Assert.Contains("ended", received, StringComparison.Ordinal);
        await HeadlessChromium.ScreenshotAsync(page, "demo-logout-received");

        Assert.Equal(0, await demo.StopAsync());
        foreach (var port in demo.Ports)
        {
            Assert.False(Listening(port), $"port {port} still answers after the script was stopped: run-local.sh left a process behind");
        }
    }

    /// <summary>The application's "Log in", then the provider's login form (first time) and consent (per application).</summary>
    private static async Task LogInAsync(IPage page, Uri app, string user)
    {
        await HeadlessChromium.OpenAsync(page, app.ToString());
        var logIn = page.GetByRole(AriaRole.Link, new() { Name = "Log in" });
        await logIn.WaitForAsync();
        await HeadlessChromium.NavigateAsync(page, () => logIn.ClickAsync());
        for (var step = 0; step < 4 && !page.Url.StartsWith(app.ToString(), StringComparison.Ordinal); step++)
        {
            if (await page.Locator("input[name=login]").CountAsync() > 0)
            {
                await page.FillAsync("input[name=login]", user);
                await page.FillAsync("input[name=password]", "any password");
            }

            var submit = page.Locator("button[type=submit]").First;
            await HeadlessChromium.NavigateAsync(page, () => submit.ClickAsync());
        }

        Assert.StartsWith($"Logged in as {user}", await page.Locator("#status").InnerTextAsync(), StringComparison.Ordinal);
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
