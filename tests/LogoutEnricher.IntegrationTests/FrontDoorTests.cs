using System.Text.Json;
using LogoutEnricher.IntegrationTests.Infrastructure;

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
}
