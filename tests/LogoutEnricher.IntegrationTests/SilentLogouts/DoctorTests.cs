using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using static LogoutEnricher.IntegrationTests.SilentLogoutTests;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// The configuration doctor against realm exports: each finding is reported for the export that has it (for that
/// client only) and not for the one set up as docs/keycloak-setup.md says; findings never block startup or readiness.
/// </summary>
public sealed class DoctorTests
{
    public static TheoryData<string, string> BrokenSettings => new()
    {
        { "frontchannel-on", "front_channel_logout_on" },
        { "backchannel-url-elsewhere", "backchannel_url_not_logoutenricher" },
        { "backchannel-url-missing", "backchannel_url_not_logoutenricher" },
        { "backchannel-url-of-other-client", "backchannel_url_of_other_client" },
        { "session-not-required", "backchannel_session_not_required" },
        { "no-admin-url", "admin_url_not_logoutenricher" },
        { "admin-url-elsewhere", "admin_url_not_logoutenricher" },
        { "expiry-events-not-stored", "expiry_events_not_stored" },
        { "events-off", "expiry_events_not_stored" },
        { "client-unknown", "client_unknown" },
    };

    [Fact]
    public async Task Doctor_RealmExportAsTheReadmeSays_ReportsNothingAndReadinessIsUp()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin));

        var findings = await FindingsAsync(env);

        Assert.Empty(findings);
        await WaitUntilReadyAsync(env);
    }

    [Theory]
    [MemberData(nameof(BrokenSettings))]
    public async Task Doctor_RealmExportWithABrokenSetting_ReportsThatFindingForThatClientOnly(string broken, string finding)
    {
        await using var admin = await FakeKeycloakAdmin.StartAsync();
        var export = SilentLogoutHarness.GoodRealmExport();
        var client = Break(export, broken);
        admin.Import(export);
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin));

        var findings = await FindingsAsync(env);

        var reported = Assert.Single(findings);
        Assert.Equal(finding, reported.GetProperty("finding").GetString());
        Assert.Equal(client, reported.GetProperty("client").GetString());
        Assert.Contains(env.Logs.Events, e => e.Level == Serilog.Events.LogEventLevel.Warning
            && e.Properties.TryGetValue("Finding", out var name) && name.ToString().Contains(finding, StringComparison.Ordinal));
        await WaitUntilReadyAsync(env);
        var metrics = await env.Client.GetStringAsync("/metrics");
        Assert.Contains($"finding=\"{finding}\"", metrics, StringComparison.Ordinal);
    }

    /// <summary>Breaks one setting of the export; returns the client the finding is about (* for the realm).</summary>
    private static string Break(JsonObject export, string broken)
    {
        var one = SilentLogoutHarness.ClientOf(export, The.ClientId);
        var attributes = one["attributes"]!.AsObject();
        switch (broken)
        {
            case "frontchannel-on": one["frontchannelLogout"] = true; break;
            case "backchannel-url-elsewhere": attributes["backchannel.logout.url"] = "http://app-one.test/logout"; break;
            case "backchannel-url-missing": attributes.Remove("backchannel.logout.url"); break;
            case "backchannel-url-of-other-client": attributes["backchannel.logout.url"] = $"{SilentLogoutHarness.PublicBaseUrl}/backchannel-logout/{The.OtherClientId}"; break;
            case "session-not-required": attributes["backchannel.logout.session.required"] = "false"; break;
            case "no-admin-url": one.Remove("adminUrl"); break;
            case "admin-url-elsewhere": one["adminUrl"] = "http://app-one.test"; break;
            case "expiry-events-not-stored": export["enabledEventTypes"] = new JsonArray("LOGIN", "LOGOUT"); return "*";
            case "events-off": export["eventsEnabled"] = false; return "*";
            case "client-unknown": export["clients"]!.AsArray().Remove(one); break;
        }

        return The.ClientId;
    }

    /// <summary>Readiness comes once the store and provider keys are loaded; findings must not hold it back.</summary>
    private static Task WaitUntilReadyAsync(TestEnvironment env) => WaitUntilAsync(() =>
    {
        using var response = env.Client.Send(new HttpRequestMessage(HttpMethod.Get, "/health/ready"));
        return response.IsSuccessStatusCode;
    }, TimeSpan.FromSeconds(20));

    private static async Task<List<JsonElement>> FindingsAsync(TestEnvironment env)
    {
        JsonElement body = default;
        await WaitUntilAsync(() =>
        {
            using var probe = new HttpRequestMessage(HttpMethod.Get, "/admin/config-findings");
            probe.Headers.Add("X-Api-Key", SilentLogoutHarness.AdminApiKey);
            using var response = env.Client.Send(probe);
            body = response.Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult();
            return response.IsSuccessStatusCode && body.GetProperty("checkedAt").ValueKind != JsonValueKind.Null;
        }, TimeSpan.FromSeconds(20));
        return [.. body.GetProperty("findings").EnumerateArray()];
    }
}
