using System.Net;
using System.Text.Json;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests;

/// <summary>The realm key set at Keycloak's certs URL also holds LogoutEnricher's keys.</summary>
public sealed class RealmKeySetTests
{
    private const string CertsPath = $"/realms/{The.Realm}/protocol/openid-connect/certs";

    [Fact]
    public async Task RealmCerts_FrontDoor_ReturnsEveryKeycloakKeyUnchangedPlusLogoutEnrichersSigningKeys()
    {
        await using var env = await TestEnvironment.StartAsync(FrontDoor);

        using var response = await env.Client.GetAsync(CertsPath);
        var keys = await KeysAsync(response);
        var own = JsonDocument.Parse(await env.Client.GetStringAsync("/.well-known/jwks.json")).RootElement.GetProperty("keys");
        using var keycloak = JsonDocument.Parse(await new HttpClient().GetStringAsync($"{env.Keycloak.Issuer}/protocol/openid-connect/certs"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keycloakKeys = keycloak.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetRawText()).ToList();
        Assert.Equal(keycloakKeys, keys.Take(keycloakKeys.Count).Select(k => k.GetRawText()));
        Assert.Contains(keys, k => k.GetProperty("kid").GetString() == FakeKeycloak.EncryptionKeyId && k.GetProperty("use").GetString() == "enc");
        var ownKey = Assert.Single(own.EnumerateArray());
        var published = Assert.Single(keys, k => k.GetProperty("kid").GetString() == ownKey.GetProperty("kid").GetString());
        Assert.Equal(("RSA", "sig", "RS256"), (published.GetProperty("kty").GetString(), published.GetProperty("use").GetString(), published.GetProperty("alg").GetString()));
        Assert.Equal(keycloakKeys.Count + 1, keys.Count);
    }

    [Fact]
    public async Task RealmCerts_KeycloakRotatesItsKey_TheNewKeyShowsUpWithinTheRefreshInterval()
    {
        await using var env = await TestEnvironment.StartAsync(FrontDoor);
        using (var first = await env.Client.GetAsync(CertsPath))
        {
            Assert.DoesNotContain(await KeysAsync(first), k => k.GetProperty("kid").GetString() == "kc-rotated");
        }

        env.Keycloak.ExtraSigningKeys["kc-rotated"] = System.Security.Cryptography.RSA.Create(2048);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            using var response = await env.Client.GetAsync(CertsPath, cts.Token);
            if ((await KeysAsync(response)).Any(k => k.GetProperty("kid").GetString() == "kc-rotated"))
            {
                break;
            }

            await Task.Delay(100, cts.Token);
        }
    }

    [Fact]
    public async Task RealmCerts_KeycloakDown_ServesTheLastKnownSetAndLogsItOnce()
    {
        await using var env = await TestEnvironment.StartAsync(FrontDoor);
        using (var first = await env.Client.GetAsync(CertsPath))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        env.Keycloak.JwksAvailable = false;
        var answers = new List<List<JsonElement>>();
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(300);
            using var response = await env.Client.GetAsync(CertsPath);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await KeysAsync(response));
        }

        Assert.All(answers, keys => Assert.Contains(keys, k => k.GetProperty("kid").GetString() == FakeKeycloak.SigningKeyId));
        Assert.Single(env.Logs.Events, e => e.EventIdOf() == 7001);
        using var ready = await env.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task RealmCerts_TurnedOff_KeycloaksSetIsForwardedWithoutLogoutEnrichersKeys()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            FrontDoor(settings);
            settings["LogoutEnricher:RealmKeySet:Issuers:demo"] = "false";
        });

        using var response = await env.Client.GetAsync(CertsPath);
        var keys = await KeysAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([FakeKeycloak.EncryptionKeyId, FakeKeycloak.SigningKeyId], keys.Select(k => k.GetProperty("kid").GetString()));
    }

    [Fact]
    public async Task RealmCerts_NotFrontDoorAndNotEnabled_IsNotServed()
    {
        await using var env = await TestEnvironment.StartAsync();

        using var response = await env.Client.GetAsync(CertsPath);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task RealmCerts_EnabledForAnIngressUnderTheRelativePath_IsServedThere()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            settings["LogoutEnricher:RealmKeySet:Enabled"] = "true";
            settings["LogoutEnricher:Upstream:RelativePath"] = "/auth";
        });

        using var response = await env.Client.GetAsync("/auth" + CertsPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, (await KeysAsync(response)).Count);
    }

    [Fact]
    public async Task FrontDoor_KeycloaksJwksUriLeadsBackToLogoutEnricher_IssuerKeysAreKeycloaksOnlyAndLogoutsAreAccepted()
    {
        // As Keycloak with KC_HOSTNAME at LogoutEnricher and no direct MetadataAddress: discovery goes through the
        // front door, and Keycloak names its jwks_uri at the Host it was asked under, which is LogoutEnricher.
        var port = TestEnvironment.FreePort();
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            FrontDoor(settings);
            settings[TestEnvironment.SidecarPortSetting] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["LogoutEnricher:Issuers:demo:MetadataAddress"] = $"http://127.0.0.1:{port}/realms/{The.Realm}/.well-known/openid-configuration";
        });
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        using var logout = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        var issuer = env.Services.GetRequiredService<IssuerRegistry>().FindIssuer(env.Keycloak.Issuer)!;
        var (issuerKeys, _) = await env.Services.GetRequiredService<ProviderKeyCache>().GetKeySetAsync(issuer, TimeSpan.FromMinutes(1), CancellationToken.None);
        using var certs = await env.Client.GetAsync(CertsPath);
        var own = JsonDocument.Parse(await env.Client.GetStringAsync("/.well-known/jwks.json")).RootElement.GetProperty("keys")[0].GetProperty("kid").GetString()!;

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal([The.AppSessionId], Assert.Single(env.App.Received).AdapterSessionIds);
        // Keycloak's set exactly as Keycloak serves it: its signing key, and not LogoutEnricher's.
        Assert.Equal([FakeKeycloak.SigningKeyId], issuerKeys!.Find(null).Select(k => k.Kid));
        Assert.DoesNotContain(own, issuerKeys.Document, StringComparison.Ordinal);
        // Applications still get the merged set.
        Assert.Equal(HttpStatusCode.OK, certs.StatusCode);
        Assert.Contains(await KeysAsync(certs), k => k.GetProperty("kid").GetString() == own);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("")]
    [InlineData("anything")]
    public async Task RealmCerts_OutsiderSendsTheKeyFetchHeader_GetsTheMergedSetNotKeycloaksPassedThrough(string value)
    {
        await using var env = await TestEnvironment.StartAsync(FrontDoor);
        using var request = new HttpRequestMessage(HttpMethod.Get, CertsPath);
        request.Headers.TryAddWithoutValidation(ProviderKeyCache.KeyFetchHeader, value);

        using var response = await env.Client.SendAsync(request);
        var keys = await KeysAsync(response);
        var own = JsonDocument.Parse(await env.Client.GetStringAsync("/.well-known/jwks.json")).RootElement.GetProperty("keys")[0].GetProperty("kid").GetString();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Upstream-Status"), "the request was passed to Keycloak in LogoutEnricher's name");
        Assert.Contains(keys, k => k.GetProperty("kid").GetString() == own);
    }

    [Fact]
    public async Task RealmCerts_OutsiderKeyFetchHeaderForAnUnconfiguredRealm_IsNotForwarded()
    {
        await using var env = await TestEnvironment.StartAsync(settings => settings["LogoutEnricher:RealmKeySet:Enabled"] = "true");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/realms/not-configured/protocol/openid-connect/certs");
        request.Headers.TryAddWithoutValidation(ProviderKeyCache.KeyFetchHeader, "1");

        using var response = await env.Client.SendAsync(request);

        Assert.False(response.Headers.Contains("X-Upstream-Status"), "the request reached Keycloak");
        await Responses.AssertOAuthErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task RealmCerts_LogoutEnrichersOwnKeyFetch_GetsKeycloaksSetPassedThrough()
    {
        await using var env = await TestEnvironment.StartAsync(FrontDoor);
        using var request = new HttpRequestMessage(HttpMethod.Get, CertsPath);
        request.Headers.Add(ProviderKeyCache.KeyFetchHeader, env.Services.GetRequiredService<KeyFetchMarker>().Value);

        using var response = await env.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("X-Upstream-Status"));
        Assert.Equal([FakeKeycloak.EncryptionKeyId, FakeKeycloak.SigningKeyId], (await KeysAsync(response)).Select(k => k.GetProperty("kid").GetString()));
    }

    [Theory]
    [InlineData("max-age=abc")]
    [InlineData("max-age=\"60")]
    [InlineData("public,,, =")]
    public async Task RealmCerts_KeycloakSendsAnUnparseableCacheControl_IsServedNoCache(string cacheControl)
    {
        await using var env = await TestEnvironment.StartAsync(FrontDoor, keycloak: keycloak => keycloak.JwksCacheControl = cacheControl);

        using var response = await env.Client.GetAsync(CertsPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task RealmCerts_KeycloakSendsNoCacheControl_IsServedWithTheConfiguredMaxAge()
    {
        await using var env = await TestEnvironment.StartAsync(FrontDoor);

        using var response = await env.Client.GetAsync(CertsPath);

        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
    }

    internal static void FrontDoor(Dictionary<string, string?> settings)
    {
        settings["LogoutEnricher:Upstream:FrontDoor"] = "true";
        settings["LogoutEnricher:RealmKeySet:RefreshInterval"] = "00:00:00.200";
        settings["LogoutEnricher:Logout:JwksRefreshInterval"] = "00:00:00.100";
    }

    private static async Task<List<JsonElement>> KeysAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("keys").EnumerateArray().ToList();
}
