using System.Text.Json;
using LogoutEnricher.EndToEndTests.Infrastructure;

namespace LogoutEnricher.EndToEndTests;

/// <summary>
/// keycloak-realm.json, docker-compose.yml and the demo application's settings describe one deployment: client ids,
/// secrets, redirect URIs and back-channel URLs must agree, or single logout silently stops working.
/// </summary>
public sealed class DeploymentAgreementTests
{
    private static readonly IReadOnlyDictionary<string, ComposeService> Compose = ComposeFile.Load(Requirement.RepositoryPath("docker-compose.yml"));
    private static readonly JsonElement Realm = JsonDocument.Parse(File.ReadAllText(Requirement.RepositoryPath("keycloak-realm.json"))).RootElement;

    private static readonly string[] ProfileFields = ["email", "firstName", "lastName"];

    private static ComposeService Sidecar => Compose["logoutenricher"];

    private static IEnumerable<JsonElement> RealmClients => Realm.GetProperty("clients").EnumerateArray();

    private static IEnumerable<ComposeService> DemoApps => Compose.Values.Where(s => s.Environment.ContainsKey("DemoApp__ClientId"));

    private static string Issuer => $"{Compose["keycloak"].Environment["KC_HOSTNAME"]}/realms/{Realm.GetProperty("realm").GetString()}";

    [Fact]
    public void Realm_BackChannelLogoutUrls_PointAtLogoutEnricherWithTheirOwnClientId()
    {
        foreach (var client in RealmClients)
        {
            var clientId = client.GetProperty("clientId").GetString();
            var url = new Uri(client.GetProperty("attributes").GetProperty("backchannel.logout.url").GetString()!);
            Assert.Equal((Sidecar.Name, Sidecar.Ports.Single().Target, $"/backchannel-logout/{clientId}"), (url.Host, url.Port, url.AbsolutePath));
        }
    }

    [Fact]
    public void Realm_AdminUrls_PointAtLogoutEnrichersAdminUrlEndpointWithTheirOwnClientId()
    {
        // Sign-out-all and push revocation reach a client only at its Admin URL; per-session logouts keep their
        // back-channel URL (Keycloak prefers it), so every client needs both on LogoutEnricher.
        foreach (var client in RealmClients)
        {
            var clientId = client.GetProperty("clientId").GetString();
            var url = new Uri(client.GetProperty("adminUrl").GetString()!);
            Assert.Equal((Sidecar.Name, Sidecar.Ports.Single().Target, $"/keycloak-admin/{clientId}"), (url.Host, url.Port, url.AbsolutePath));
            Assert.False(string.IsNullOrEmpty(client.GetProperty("attributes").GetProperty("backchannel.logout.url").GetString()));
        }
    }

    [Fact]
    public void LogoutEnricher_IsTheFrontDoorOfTheApplications_AndReadsKeycloaksOwnKeysDirectly()
    {
        Assert.Equal("true", Sidecar.Environment["LogoutEnricher__Upstream__FrontDoor"]);
        // LogoutEnricher's own key source must be Keycloak, not its own front door (the realm key set it serves).
        Assert.Equal("keycloak", new Uri(Sidecar.Environment["LogoutEnricher__Issuers__demo__MetadataAddress"]).Host);
        Assert.DoesNotContain(Sidecar.Environment.Keys, k => k.StartsWith("LogoutEnricher__RealmKeySet__Enabled", StringComparison.Ordinal) && Sidecar.Environment[k] == "false");
    }

    [Fact]
    public void LogoutEnricher_ConfiguresExactlyTheRealmClients_WithLogoutUrlsOfTheMatchingDemoApp()
    {
        var prefix = "LogoutEnricher__Issuers__demo__Clients__";
        var configured = Sidecar.Environment.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..].Split("__")[0]).Order();
        Assert.Equal(RealmClients.Select(c => c.GetProperty("clientId").GetString()!).Order(), configured);

        foreach (var app in DemoApps)
        {
            var url = new Uri(Sidecar.Environment[$"{prefix}{app.Environment["DemoApp__ClientId"]}__LogoutUrl"]);
            Assert.Equal((app.Name, app.Ports.Single().Target, "/backchannel-logout"), (url.Host, url.Port, url.AbsolutePath));
        }

        Assert.Equal(Issuer, Sidecar.Environment["LogoutEnricher__Issuers__demo__Issuer"]);
        Assert.Equal("keycloak", new Uri(Sidecar.Environment["LogoutEnricher__Upstream__BaseUrl"]).Host);
    }

    [Fact]
    public void DemoApps_UseTheRealmSecretsRedirectUrisAndLogoutEnricherEndpoints()
    {
        Assert.Equal(RealmClients.Count(), DemoApps.Count());
        foreach (var app in DemoApps)
        {
            var client = Assert.Single(RealmClients, c => c.GetProperty("clientId").GetString() == app.Environment["DemoApp__ClientId"]);
            var publicUrl = $"http://localhost:{app.Ports.Single().Published}";
            Assert.Equal(client.GetProperty("secret").GetString(), app.Environment["DemoApp__ClientSecret"]);
            Assert.Contains($"{publicUrl}/signin-oidc", client.GetProperty("redirectUris").EnumerateArray().Select(u => u.GetString()));
            Assert.Equal($"{publicUrl}/signout-callback-oidc", client.GetProperty("attributes").GetProperty("post.logout.redirect.uris").GetString());
            Assert.Equal(Issuer, app.Environment["DemoApp__Authority"]);

            var tokenEndpoint = new Uri(app.Environment["DemoApp__TokenEndpoint"]);
            var discovery = new Uri(app.Environment["DemoApp__MetadataAddress"]);
            Assert.Equal((Sidecar.Name, "/realms/demo/protocol/openid-connect/token"), (tokenEndpoint.Host, tokenEndpoint.AbsolutePath));
            // Zero change: keys come from the realm key set that discovery names, served by LogoutEnricher's front door.
            Assert.Equal((Sidecar.Name, "/realms/demo/.well-known/openid-configuration"), (discovery.Host, discovery.AbsolutePath));
            Assert.False(app.Environment.ContainsKey("DemoApp__LogoutEnricherJwksUri"));
        }
    }

    [Fact]
    public void DemoAppDevelopmentSettings_MatchARealmClient()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Requirement.RepositoryPath("samples", "DemoApp", "appsettings.Development.json")));
        var demo = settings.RootElement.GetProperty("DemoApp");
        var client = Assert.Single(RealmClients, c => c.GetProperty("clientId").GetString() == demo.GetProperty("ClientId").GetString());
        Assert.Equal(client.GetProperty("secret").GetString(), demo.GetProperty("ClientSecret").GetString());
        Assert.Equal(Issuer, demo.GetProperty("Authority").GetString());
    }

    [Fact]
    public void Realm_IsImportableAndSendsSessionScopedBackChannelLogouts()
    {
        Assert.Equal(KeycloakEnvironment.Image, Compose["keycloak"].Image);
        Assert.Contains(Compose["keycloak"].Volumes, v => v.StartsWith("./keycloak-realm.json:/opt/keycloak/data/import/", StringComparison.Ordinal));
        foreach (var client in RealmClients)
        {
            var attributes = client.GetProperty("attributes");
            Assert.Equal("true", attributes.GetProperty("backchannel.logout.session.required").GetString());
            Assert.False(client.GetProperty("frontchannelLogout").GetBoolean());
            // An empty attribute counts as set in Keycloak and broke logout before 26.7 (KEYCLOAK.md).
            Assert.DoesNotContain(attributes.EnumerateObject(), a => a.Value.GetString() is "");
        }

        foreach (var user in Realm.GetProperty("users").EnumerateArray())
        {
            // Verify Profile (on by default since 24.0) blocks a login whose profile lacks these.
            Assert.All(ProfileFields, field => Assert.False(string.IsNullOrEmpty(user.GetProperty(field).GetString())));
        }
    }
}
