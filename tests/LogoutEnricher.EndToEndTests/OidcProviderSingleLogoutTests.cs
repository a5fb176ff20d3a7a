using LogoutEnricher.EndToEndTests.Infrastructure;

namespace LogoutEnricher.EndToEndTests;

/// <summary>
/// Single logout against a real, independent OpenID provider (node oidc-provider): login through LogoutEnricher,
/// RP-initiated logout at the provider, enriched back-channel logout tokens at both demo applications.
/// </summary>
public sealed class OidcProviderSingleLogoutTests
{
    [Fact]
    public async Task Logout_AtProvider_EndsTheLocalSessionOfEachApplication()
    {
        await using var environment = await OidcProviderEnvironment.StartAsync();
        using var browser = new Browser();

        var first = await browser.LogInAsync(environment.First.BaseUrl, "alice");
        var second = await browser.LogInAsync(environment.Second.BaseUrl, "alice");
        Assert.StartsWith("Logged in as alice", first.Status, StringComparison.Ordinal);
        Assert.StartsWith("Logged in as alice", second.Status, StringComparison.Ordinal);
        var firstSession = environment.First.SessionIdShownOn(first);
        var secondSession = environment.Second.SessionIdShownOn(second);

        await browser.LogOutAsync(environment.First.BaseUrl);

        await Requirement.EventuallyAsync(() => environment.First.Sessions.Logouts.Count > 0 && environment.Second.Sessions.Logouts.Count > 0,
            "both applications received a back-channel logout");
        var firstLogout = Assert.Single(environment.First.Sessions.Logouts);
        var secondLogout = Assert.Single(environment.Second.Sessions.Logouts);
        Assert.Equal([firstSession], firstLogout.AdapterSessionIds);
        Assert.Equal([secondSession], secondLogout.AdapterSessionIds);
        // The first application ended its own session when its logout button was clicked; the token still names it.
        Assert.Equal((0, 1), (firstLogout.Ended, secondLogout.Ended));
        Assert.Empty(environment.First.Sessions.Sessions);
        Assert.Empty(environment.Second.Sessions.Sessions);
        Assert.Equal("Not logged in.", (await browser.GoAsync(environment.Second.BaseUrl)).Status);
    }

    [Fact]
    public async Task Logout_OfOneBrowserSession_LeavesTheOtherBrowserSessionLoggedIn()
    {
        await using var environment = await OidcProviderEnvironment.StartAsync();
        using var laptop = new Browser();
        using var phone = new Browser();

        await laptop.LogInAsync(environment.First.BaseUrl, "alice");
        var laptopSecond = await laptop.LogInAsync(environment.Second.BaseUrl, "alice");
        var phoneFirst = await phone.LogInAsync(environment.First.BaseUrl, "alice");
        var phoneSecond = await phone.LogInAsync(environment.Second.BaseUrl, "alice");
        var laptopSecondSession = environment.Second.SessionIdShownOn(laptopSecond);
        var phoneSessions = (environment.First.SessionIdShownOn(phoneFirst), environment.Second.SessionIdShownOn(phoneSecond));
        Assert.Equal((2, 2), (environment.First.Sessions.Sessions.Count, environment.Second.Sessions.Sessions.Count));

        await laptop.LogOutAsync(environment.First.BaseUrl);

        // Each application's logout is delivered on its own (queued), so wait for both before looking at either.
        await Requirement.EventuallyAsync(
            () => environment.First.Sessions.Logouts.Count > 0 && environment.Second.Sessions.Logouts.Count > 0,
            "both applications received a back-channel logout");
        Assert.Equal([laptopSecondSession], Assert.Single(environment.Second.Sessions.Logouts).AdapterSessionIds);
        Assert.Equal(phoneSessions.Item1, Assert.Single(environment.First.Sessions.Sessions).Id);
        Assert.Equal(phoneSessions.Item2, Assert.Single(environment.Second.Sessions.Sessions).Id);
        Assert.StartsWith("Logged in as alice", (await phone.GoAsync(environment.Second.BaseUrl)).Status, StringComparison.Ordinal);
        Assert.Equal("Not logged in.", (await laptop.GoAsync(environment.Second.BaseUrl)).Status);
    }
}
