using System.Security.Cryptography;
using System.Text;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Http;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// What the console shows beside the trail: each client's oldest pending delivery, the fan-out jobs Keycloak's Admin
/// URL pushes started, and the doctor's configuration findings; never a sid, application session id or secret.
/// </summary>
public sealed class OperatorConsoleSectionsTests
{
    private const string ApiKey = "console-key-of-the-section-tests";

    [Fact]
    public async Task Overview_ClientWhoseAppIsDown_ShowsItsOldestPendingDeliveryWithAttemptsAndLastError()
    {
        await using var env = await StartAsync();
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        env.App.StatusCode = StatusCodes.Status503ServiceUnavailable;
        using var logout = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        using var browser = new ConsoleBrowser(env.Client.BaseAddress!);
        await browser.SignInWithApiKeyAsync(ApiKey);

        var page = await browser.EventuallyAsync(p => OldestPendingCells(p).Any(c => c.Contains("503", StringComparison.Ordinal)));

        var cells = OldestPendingCells(page);
        Assert.Equal(2, cells.Count);
        Assert.Matches("accepted \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, .* ago, \\d+ attempts?, last: .*503", cells[0]);
        Assert.Equal("<td class=\"oldest-pending muted\">-</td>", cells[1]);
        Assert.Contains("<span id=\"outbox-oldest-pending\">" + The.ClientId + ", accepted ", page, StringComparison.Ordinal);
        Assert.DoesNotContain(The.AppSessionId, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FanOutJobs_RealmSignOutAllPushed_ShowsIssuerClientTriggerProgressAndStateWithoutIds()
    {
        await using var env = await StartAsync();
        await env.LoginAsync(The.ClientId, The.AppSessionId, The.Subject, The.Sid);
        await env.LoginAsync(The.ClientId, The.OtherAppSessionId, The.OtherSubject, The.OtherSid);
        await Task.Delay(1100);
        var pushed = env.Keycloak.LogoutAction(The.ClientId, KeycloakAdminPushTests.NowSeconds());
        using var response = await FakeKeycloak.PushAsync(env.Client, $"/keycloak-admin/{The.ClientId}/k_logout", pushed.Sign());
        using var browser = new ConsoleBrowser(env.Client.BaseAddress!);
        await browser.SignInWithApiKeyAsync(ApiKey);

        // The job's logouts, counted from the logout trail: both delivered, none failed.
        var page = await browser.EventuallyAsync(p => ConsoleBrowser.Rows(p, "fan-out-job").Any(r => r.Contains(">done<", StringComparison.Ordinal)
            && r.Contains("<td class=\"fan-out-delivered\">2</td><td class=\"fan-out-failed\">0</td>", StringComparison.Ordinal)), "/fan-out-jobs");

        var row = Assert.Single(ConsoleBrowser.Rows(page, "fan-out-job"));
        Assert.Contains($"<td class=\"muted\">{env.Keycloak.Issuer}</td><td>{The.ClientId}</td><td>sign-out-all</td>", row, StringComparison.Ordinal);
        Assert.Contains("<td>2 application sessions queued</td><td class=\"ok\">done</td>", row, StringComparison.Ordinal);
        Assert.Contains("<strong id=\"fan-out-pending\">0</strong>", page, StringComparison.Ordinal);
        foreach (var secret in new[] { The.Sid, The.OtherSid, The.AppSessionId, The.OtherAppSessionId, pushed.Id })
        {
            Assert.DoesNotContain(secret, page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ConfigurationFindings_ClientWithFrontChannelLogoutOn_ShowsTheSettingWhatBreaksAndHowToFix()
    {
        await using var admin = await FakeKeycloakAdmin.StartAsync();
        var export = SilentLogoutHarness.GoodRealmExport();
        SilentLogoutHarness.ClientOf(export, The.ClientId)["frontchannelLogout"] = true;
        admin.Import(export);
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin));
        using var browser = new ConsoleBrowser(env.Client.BaseAddress!);
        await browser.SignInWithApiKeyAsync(SilentLogoutHarness.AdminApiKey);

        var page = await browser.EventuallyAsync(p => ConsoleBrowser.Rows(p, "config-finding").Count > 0, "/configuration-findings");

        var row = Assert.Single(ConsoleBrowser.Rows(page, "config-finding"));
        Assert.Equal(
            $"<tr class=\"config-finding\"><td class=\"muted\">{env.Keycloak.Issuer}</td><td>{The.ClientId}</td>"
            + $"<td>Client &#x27;{The.ClientId}&#x27; has Front channel logout ON<br><code class=\"muted\">front_channel_logout_on</code></td>"
            + "<td class=\"bad\">Keycloak sends it no back-channel logout at all</td>"
            + $"<td>Clients &gt; {The.ClientId} &gt; Settings &gt; Logout settings: turn Front channel logout off.</td></tr>",
            row);
        Assert.DoesNotContain(FakeKeycloakAdmin.ServiceAccountSecret, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigurationFindings_EverySettingRight_SaysNothingWasFound()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin));
        using var browser = new ConsoleBrowser(env.Client.BaseAddress!);
        await browser.SignInWithApiKeyAsync(SilentLogoutHarness.AdminApiKey);

        var page = await browser.EventuallyAsync(p => !p.Contains("id=\"findings-not-checked\"", StringComparison.Ordinal), "/configuration-findings");

        Assert.Contains("id=\"findings-none\"", page, StringComparison.Ordinal);
        Assert.Empty(ConsoleBrowser.Rows(page, "config-finding"));
    }

    private static Task<TestEnvironment> StartAsync() => TestEnvironment.StartAsync(settings =>
    {
        TestEnvironment.Queued(settings);
        settings["LogoutEnricher:Admin:Enabled"] = "true";
        settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
    });

    private static List<string> OldestPendingCells(string page) =>
        [.. System.Text.RegularExpressions.Regex.Matches(page, "<td class=\"oldest-pending [a-z]+\">[^<]*</td>").Select(m => m.Value)];
}
