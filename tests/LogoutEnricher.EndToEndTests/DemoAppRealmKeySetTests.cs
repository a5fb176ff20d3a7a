using System.Net;
using LogoutEnricher.EndToEndTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Hosting;

namespace LogoutEnricher.EndToEndTests;

/// <summary>
/// The zero-change property for the BackChannel format: samples/DemoApp, with no LogoutEnricher key setting, verifies
/// enriched logout tokens with the realm key set its discovery names, because LogoutEnricher (Keycloak's front door)
/// serves the realm certs URL with its own keys added.
/// </summary>
public sealed class DemoAppRealmKeySetTests
{
    [Fact]
    public async Task DemoApp_WithoutLogoutEnricherJwksUri_VerifiesTheEnrichedTokenWithTheRealmKeySet()
    {
        var (sidecarPort, appPort) = (Requirement.FreePort(), Requirement.FreePort());
        var sidecarUrl = new Uri($"http://127.0.0.1:{sidecarPort}/");
        const string clientId = "demo-app-1";
        await using var keycloak = await FakeKeycloak.StartAsync(publicUrl: sidecarUrl);
        keycloak.RegisterClient(clientId, clientId + "-secret", new Uri($"http://127.0.0.1:{appPort}/"));
        var data = Directory.CreateTempSubdirectory("logoutenricher-e2e-").FullName;
        await using var sidecar = new SidecarFactory(new Dictionary<string, string?>
        {
            ["LogoutEnricher:Upstream:BaseUrl"] = keycloak.BaseUrl.ToString(),
            ["LogoutEnricher:Upstream:FrontDoor"] = "true",
            ["LogoutEnricher:Issuers:demo:Issuer"] = keycloak.Issuer,
            ["LogoutEnricher:Issuers:demo:MetadataAddress"] = $"{keycloak.BaseUrl}realms/{The.Realm}/.well-known/openid-configuration",
            [$"LogoutEnricher:Issuers:demo:Clients:{clientId}:LogoutUrl"] = $"http://127.0.0.1:{appPort}/backchannel-logout",
            ["LogoutEnricher:Storage:Sqlite:Path"] = Path.Combine(data, "logoutenricher.db"),
        });
        sidecar.UseKestrel(kestrel => kestrel.ListenLocalhost(sidecarPort));
        sidecar.StartServer();
        await using var app = await DemoAppInstance.StartAsync(appPort, clientId, keycloak.Issuer, sidecarUrl, "realms/demo/protocol/openid-connect/token", realmKeySetOnly: true);
        using var browser = new AdapterBrowser();
        var page = await browser.LogInAsync(new Uri(app.BaseUrl, "login"), "alice");
        var localSession = Assert.Single(app.Sessions.Sessions).Id;
        var sso = keycloak.SessionOf("alice");

        using var response = await FakeKeycloak.SendBackChannelLogoutAsync(new Uri(sidecarUrl, $"backchannel-logout/{clientId}"), keycloak.LogoutToken(clientId, sso.Sub, sso.Sid).Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Logged in as", page.Html, StringComparison.Ordinal);
        await Requirement.EventuallyAsync(() => app.Sessions.Logouts.Count > 0, "the demo application accepted an enriched logout token", seconds: 30);
        var logout = Assert.Single(app.Sessions.Logouts);
        Assert.Equal([localSession], logout.AdapterSessionIds);
        Assert.Empty(app.Sessions.Sessions);
    }
}
