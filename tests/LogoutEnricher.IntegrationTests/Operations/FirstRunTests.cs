using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// What a new user meets first: <c>/</c> says what this is and whether it is ready, <c>/health/ready</c> says why not
/// (which issuer's keys, at which URL, for what cause), and a provider that stays down is logged once, not per probe.
/// </summary>
public sealed class FirstRunTests
{
    [Fact]
    public async Task Home_BrowserRequest_AnswersHtmlWithVersionReadinessAndLinks()
    {
        await using var env = await TestEnvironment.StartAsync(settings => settings["LogoutEnricher:Admin:Enabled"] = "false");
        await WaitUntilReadyAsync(env.Client);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        using var response = await env.Client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<span id=\"readiness\" class=\"ok\">ready</span>", html, StringComparison.Ordinal);
        Assert.Contains("<code id=\"version\">", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/.well-known/jwks.json\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/metrics\"", html, StringComparison.Ordinal);
        Assert.Contains("<code>docs/configuration.md</code>", html, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_AdminApiOff_SaysWhichSettingsTurnItAndTheConsoleOn()
    {
        await using var env = await TestEnvironment.StartAsync(settings => settings["LogoutEnricher:Admin:Enabled"] = "false");

        var html = await env.Client.GetStringAsync("/");
        using var json = JsonDocument.Parse(await GetJsonAsync(env.Client, "/"));
        var admin = json.RootElement.GetProperty("admin");

        Assert.Contains("<section id=\"admin-off\">", html, StringComparison.Ordinal);
        Assert.Contains("LogoutEnricher:Admin:Enabled=true", html, StringComparison.Ordinal);
        Assert.Contains("LogoutEnricher:Admin:ApiKeyHashes:0", html, StringComparison.Ordinal);
        Assert.Contains("/admin/console", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/admin/console\"", html, StringComparison.Ordinal);
        Assert.False(admin.GetProperty("apiEnabled").GetBoolean());
        Assert.False(admin.GetProperty("consoleEnabled").GetBoolean());
        Assert.Contains("LogoutEnricher:Admin:Enabled=true", admin.GetProperty("turnOn").GetString(), StringComparison.Ordinal);
        Assert.Contains("docs/configuration.md", json.RootElement.GetProperty("documentation").EnumerateArray().Select(page => page.GetString()));
    }

    [Fact]
    public async Task Home_AdminApiOnConsoleOff_SaysWhichSettingTurnsTheConsoleOn()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            settings["LogoutEnricher:Admin:Enabled"] = "true";
            settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("home-page-test-key")));
            settings["LogoutEnricher:Console:Enabled"] = "false";
        });

        var html = await env.Client.GetStringAsync("/");

        Assert.Contains("LogoutEnricher:Console:Enabled is false", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/admin/console\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_AdminApiAndConsoleOn_LinksTheConsoleAndGivesNoTurnOnAdvice()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            settings["LogoutEnricher:Admin:Enabled"] = "true";
            settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("home-page-test-key")));
        });

        var html = await env.Client.GetStringAsync("/");
        using var readme = await env.Client.GetAsync("/README.md");

        Assert.Contains("href=\"/admin/console\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"admin-off\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, readme.StatusCode);
    }

    private static async Task<string> GetJsonAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Home_AcceptJson_AnswersJsonWithReadinessReasonsAndLinks()
    {
        await using var env = await TestEnvironment.StartAsync();
        await WaitUntilReadyAsync(env.Client);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await env.Client.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("LogoutEnricher", root.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        Assert.Equal("Healthy", root.GetProperty("readiness").GetProperty("status").GetString());
        Assert.Contains(env.Keycloak.Issuer, root.GetProperty("readiness").GetProperty("checks").GetProperty("provider-keys").GetProperty("details").EnumerateObject().Select(p => p.Name));
        Assert.Equal("/.well-known/jwks.json", root.GetProperty("links").GetProperty("jwks").GetString());
    }

    [Fact]
    public async Task Ready_Healthy_NamesTheStoreAndEachIssuersKeys()
    {
        await using var env = await TestEnvironment.StartAsync();
        var ready = await WaitUntilReadyAsync(env.Client);

        var checks = ready.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", ready.RootElement.GetProperty("status").GetString());
        Assert.StartsWith("the store answers: Sqlite ", checks.GetProperty("storage").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("logoutenricher.db", checks.GetProperty("storage").GetProperty("details").GetProperty("store").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("1 signing keys, read ", checks.GetProperty("provider-keys").GetProperty("details").GetProperty(env.Keycloak.Issuer).GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_ProviderNotListening_Answers503NamingTheIssuerUrlAndConnectionRefused()
    {
        const string metadata = "http://127.0.0.1:9/realms/demo/.well-known/openid-configuration";
        await using var env = await TestEnvironment.StartAsync(settings => settings["LogoutEnricher:Issuers:demo:MetadataAddress"] = metadata);

        var reason = await EventualReasonAsync(env.Client, "connection refused");

        Assert.Contains(env.Keycloak.Issuer, reason, StringComparison.Ordinal);
        Assert.Contains("connection refused: nothing listens at 127.0.0.1:9", reason, StringComparison.Ordinal);
        Assert.Contains(metadata, reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_WrongRealm_ReasonSaysHttp404RealmNotFound()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
            settings["LogoutEnricher:Issuers:demo:MetadataAddress"] = settings["LogoutEnricher:Upstream:BaseUrl"] + "realms/no-such-realm/.well-known/openid-configuration");

        var reason = await EventualReasonAsync(env.Client, "HTTP 404");

        Assert.Contains("HTTP 404 Not Found (realm not found? check the issuer URL)", reason, StringComparison.Ordinal);
        Assert.Contains("/realms/no-such-realm/.well-known/openid-configuration", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_ProbedRepeatedlyWhileProviderDown_LogsOneWarningPerCauseAndNoErrors()
    {
        await using var env = await TestEnvironment.StartAsync(keycloak: k => k.JwksAvailable = false);
        await EventualReasonAsync(env.Client, "HTTP 503");
        var failingBefore = env.Logs.Events.Count(e => e.EventIdOf() is 10001 or 6002);

        for (var probe = 0; probe < 10; probe++)
        {
            using var response = await env.Client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        // Note: a slow machine may first see another cause (a timeout); what matters is that probes add no line.
        var failingAfter = env.Logs.Events.Count(e => e.EventIdOf() is 10001 or 6002);
        env.Keycloak.JwksAvailable = true;
        await WaitUntilReadyAsync(env.Client);

        var events = env.Logs.Events;
        Assert.DoesNotContain(events, e => e.Level >= LogEventLevel.Error);
        Assert.Equal(failingBefore, failingAfter);
        Assert.Contains(events, e => e.EventIdOf() == 10001);
        Assert.Contains(events, e => e.EventIdOf() == 6002 && e.RenderMessage().Contains("HTTP 503", StringComparison.Ordinal));
        Assert.Single(events, e => e.EventIdOf() == 10002);
        Assert.Single(events, e => e.EventIdOf() == 6004);
    }

    private static async Task<JsonDocument> WaitUntilReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync("/health/ready");
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return json;
            }

            json.Dispose();
            await Task.Delay(100);
        }
    }

    /// <summary>The provider-keys reason once it mentions <paramref name="expected"/>: the first fetch runs in the background.</summary>
    private static async Task<string> EventualReasonAsync(HttpClient client, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync("/health/ready");
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var reason = json.RootElement.GetProperty("checks").GetProperty("provider-keys").GetProperty("reason").GetString() ?? "";
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            if (reason.Contains(expected, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                Assert.Contains(expected, reason, StringComparison.Ordinal);
                return reason;
            }

            await Task.Delay(100);
        }
    }
}
