using System.Text.Json;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>Front-door mode: every other path reaches Keycloak as if the client had asked Keycloak itself.</summary>
public sealed class FrontDoorTests
{
    [Fact]
    public async Task FrontDoor_Discovery_NamesBackChannelEndpointsAtTheHostTheClientUsed()
    {
        await using var env = await TestEnvironment.StartAsync(settings => settings["LogoutEnricher:Upstream:FrontDoor"] = "true");

        using var response = await env.Client.GetAsync($"/realms/{The.Realm}/.well-known/openid-configuration");

        // Keycloak (KC_HOSTNAME_BACKCHANNEL_DYNAMIC) answers with the Host it was asked: the front door's, not its own.
        using var discovery = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var jwksUri = new Uri(discovery.RootElement.GetProperty("jwks_uri").GetString()!);
        Assert.Equal(env.Client.BaseAddress!.Authority, jwksUri.Authority);
        Assert.NotEqual(env.Keycloak.BaseUrl.Authority, jwksUri.Authority);
    }

    /// <summary>A host name of 300 characters in one label: Kestrel takes it, an outgoing request (HttpClient) cannot carry it.</summary>
    private static readonly string OverlongHost = new('a', 300);

    [Fact]
    public async Task FrontDoor_HostOverTwoHundredFiftyFiveCharacters_Answers400WithAnOAuthErrorBodyNot502()
    {
        await using var env = await TestEnvironment.StartAsync(settings => settings["LogoutEnricher:Upstream:FrontDoor"] = "true");

        var response = await RawHttp.SendAsync(env.Client.BaseAddress!,
            $"GET /realms/{The.Realm}/.well-known/openid-configuration HTTP/1.1\r\nHost: {OverlongHost}", RawHttp.Text(""));

        AssertRefusedHost(response);
        Assert.DoesNotContain(env.Logs.Events, e => e.Level >= Serilog.Events.LogEventLevel.Warning);
    }

    [Fact]
    public async Task RealmCerts_OwnKeyFetchWithHostOverTwoHundredFiftyFiveCharacters_Answers400WithAnOAuthErrorBodyNot502()
    {
        await using var env = await TestEnvironment.StartAsync(RealmKeySetTests.FrontDoor);
        var marker = env.Services.GetRequiredService<KeyFetchMarker>().Value;

        var response = await RawHttp.SendAsync(env.Client.BaseAddress!,
            $"GET /realms/{The.Realm}/protocol/openid-connect/certs HTTP/1.1\r\nHost: {OverlongHost}\r\n{ProviderKeyCache.KeyFetchHeader}: {marker}", RawHttp.Text(""));

        AssertRefusedHost(response);
    }

    private static void AssertRefusedHost(RawResponse? response)
    {
        Assert.NotNull(response);
        Assert.True(response.Status == 400, $"{response.Status} {response.Body}");
        Assert.Contains("Cache-Control: no-store", response.Headers, StringComparison.OrdinalIgnoreCase);
        // Note: the raw body may be chunked, so it is searched, not parsed.
        Assert.Contains("\"error\":\"invalid_request\"", response.Body, StringComparison.Ordinal);
        Assert.Contains("the Host header", response.Body, StringComparison.Ordinal);
    }
}
