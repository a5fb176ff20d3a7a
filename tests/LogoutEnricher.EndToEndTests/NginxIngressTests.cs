using System.Net;
using LogoutEnricher.EndToEndTests.Infrastructure;
using LogoutEnricher.Testing;

namespace LogoutEnricher.EndToEndTests;

/// <summary>
/// Deployment shape (b): real nginx running the shipped deploy/nginx/logoutenricher-ingress.conf.template in front of
/// the fake Keycloak, sending only the token, certs and Admin URL paths to LogoutEnricher. The unchanged
/// keycloak-connect application's auth-server-url is the ingress.
/// </summary>
public sealed class NginxIngressTests
{
    [Fact]
    public async Task Ingress_KeycloakConnectLoginAndLogouts_WorkThroughTheShippedConfiguration()
    {
        await using var environment = await UnchangedAppEnvironment.StartAsync(DeploymentShape.NginxIngress);
        using var alice = new AdapterBrowser();
        using var bob = new AdapterBrowser();

        var page = await alice.LogInAsync(environment.App.BaseUrl, "alice");
        await bob.LogInAsync(environment.App.BaseUrl, "bob");

        Assert.Equal("Logged in as alice", page.Who);
        var exchange = environment.Keycloak.TokenRequests.First(r => r.GetValueOrDefault("grant_type") == "authorization_code");
        Assert.Equal(page.ExpressSessionId, exchange["client_session_state"]);

        using (var logout = await environment.BackChannelLogoutAsync("alice"))
        {
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        }

        await KeycloakConnectTests.EventuallyLoggedOutAsync(alice, environment, "alice's session ended through the ingress");
        Assert.True(await bob.IsLoggedInAsync(environment.App.BaseUrl));

        await UnchangedAppEnvironment.NextSecondAsync();
        using (var signOutAll = await environment.Keycloak.LogOutAllSessionsAsync(environment.AdminUrl, KeycloakConnectApp.ClientId))
        {
            Assert.Equal(HttpStatusCode.OK, signOutAll.StatusCode);
        }

        await KeycloakConnectTests.EventuallyLoggedOutAsync(bob, environment, "bob's session ended by sign-out-all through the ingress");
    }

    [Fact]
    public async Task Ingress_RoutesTokenCertsAndAdminUrlToLogoutEnricher_AndTheRestToKeycloak()
    {
        await using var environment = await UnchangedAppEnvironment.StartAsync(DeploymentShape.NginxIngress);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseProxy = false });
        var ingress = environment.PublicUrl;

        var discovery = await http.GetStringAsync(new Uri(ingress, "realms/demo/.well-known/openid-configuration"));
        var realmCerts = await http.GetStringAsync(new Uri(ingress, "realms/demo/protocol/openid-connect/certs"));
        var ownKeys = await http.GetStringAsync(new Uri(environment.SidecarUrl, ".well-known/jwks.json"));
        using var forgedPush = await FakeKeycloak.PostAdminActionAsync(environment.AdminUrl, "k_logout", "not-a-jws");

        // Discovery is Keycloak's (the issuer at the public URL); the key set is Keycloak's plus LogoutEnricher's.
        Assert.Contains($"\"issuer\":\"{environment.Keycloak.Issuer}\"", discovery, StringComparison.Ordinal);
        Assert.Contains($"\"kid\":\"{FakeKeycloak.SigningKeyId}\"", realmCerts, StringComparison.Ordinal);
        var ownKid = System.Text.Json.JsonDocument.Parse(ownKeys).RootElement.GetProperty("keys")[0].GetProperty("kid").GetString()!;
        Assert.Contains($"\"kid\":\"{ownKid}\"", realmCerts, StringComparison.Ordinal);
        // LogoutEnricher answered the Admin URL (OAuth error JSON), not Keycloak.
        Assert.Equal(HttpStatusCode.BadRequest, forgedPush.StatusCode);
        Assert.Contains("\"error\"", await forgedPush.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("\"POST /keycloak-admin/node-app/k_logout HTTP/1.1\" 400", environment.Nginx!.AccessLog, StringComparison.Ordinal);
    }
}
