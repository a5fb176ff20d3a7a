using System.Text;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using LogoutEnricher.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>
/// Real Keycloak in a container (Testcontainers), imported from the repository's keycloak-realm.json with its
/// back-channel logout URLs pointed at LogoutEnricher on the host, plus two DemoApp instances.
/// </summary>
internal sealed class KeycloakEnvironment : IAsyncDisposable
{
    public const string Image = "quay.io/keycloak/keycloak:26.4.13";

    private readonly IContainer _keycloak;
    private readonly SidecarFactory _sidecar;
    private readonly string _dataDirectory;

    private KeycloakEnvironment(IContainer keycloak, Uri baseUrl, SidecarFactory sidecar, Uri sidecarUrl, DemoAppInstance first, DemoAppInstance second, string dataDirectory)
    {
        _keycloak = keycloak;
        BaseUrl = baseUrl;
        _sidecar = sidecar;
        SidecarUrl = sidecarUrl;
        First = first;
        Second = second;
        _dataDirectory = dataDirectory;
    }

    /// <summary>Keycloak as the test and LogoutEnricher reach it (the issuer follows this address).</summary>
    public Uri BaseUrl { get; }

    public Uri SidecarUrl { get; }

    public DemoAppInstance First { get; }

    public DemoAppInstance Second { get; }

    public string Issuer => new Uri(BaseUrl, "realms/demo").ToString();

    /// <summary>Starts everything, or skips, also in CI: there is no Docker engine there, and Keycloak needs one.</summary>
    public static async Task<KeycloakEnvironment> StartAsync()
    {
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is null)
        {
            Assert.Skip("no Docker engine answers here; the Keycloak end-to-end tests need one to run " + Image);
        }

        var (sidecarPort, firstPort, secondPort) = (Requirement.FreePort(), Requirement.FreePort(), Requirement.FreePort());
        var realm = File.ReadAllText(Requirement.RepositoryPath("keycloak-realm.json"))
            .Replace("http://logoutenricher:8080", $"http://host.docker.internal:{sidecarPort}", StringComparison.Ordinal);
        var keycloak = new ContainerBuilder(Image)
            .WithCommand("start-dev", "--import-realm")
            .WithEnvironment("KC_BOOTSTRAP_ADMIN_USERNAME", "admin")
            .WithEnvironment("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin")
            .WithEnvironment("KC_HEALTH_ENABLED", "true")
            .WithResourceMapping(Encoding.UTF8.GetBytes(realm), "/opt/keycloak/data/import/keycloak-realm.json")
            .WithExtraHost("host.docker.internal", "host-gateway")
            .WithPortBinding(8080, true)
            .WithPortBinding(9000, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(request => request.ForPort(9000).ForPath("/health/ready")))
            .Build();
        await keycloak.StartAsync();
        var baseUrl = new Uri($"http://{keycloak.Hostname}:{keycloak.GetMappedPublicPort(8080)}/");
        var issuer = new Uri(baseUrl, "realms/demo").ToString();

        var dataDirectory = Directory.CreateTempSubdirectory("logoutenricher-kc-").FullName;
        var sidecar = new SidecarFactory(new Dictionary<string, string?>
        {
            ["LogoutEnricher:Upstream:BaseUrl"] = baseUrl.ToString(),
            ["LogoutEnricher:Issuers:demo:Issuer"] = issuer,
            ["LogoutEnricher:Issuers:demo:Clients:demo-app-1:LogoutUrl"] = $"http://127.0.0.1:{firstPort}/backchannel-logout",
            ["LogoutEnricher:Issuers:demo:Clients:demo-app-2:LogoutUrl"] = $"http://127.0.0.1:{secondPort}/backchannel-logout",
            ["LogoutEnricher:Storage:Sqlite:Path"] = Path.Combine(dataDirectory, "logoutenricher.db"),
        });
        // Note: Keycloak calls LogoutEnricher from inside the container, through the Docker host gateway.
        sidecar.UseKestrel(kestrel => kestrel.ListenAnyIP(sidecarPort));
        sidecar.StartServer();

        var sidecarUrl = new Uri($"http://127.0.0.1:{sidecarPort}/");
        const string tokenPath = "realms/demo/protocol/openid-connect/token";
        var first = await DemoAppInstance.StartAsync(firstPort, "demo-app-1", issuer, sidecarUrl, tokenPath);
        var second = await DemoAppInstance.StartAsync(secondPort, "demo-app-2", issuer, sidecarUrl, tokenPath);
        return new KeycloakEnvironment(keycloak, baseUrl, sidecar, sidecarUrl, first, second, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        await _sidecar.DisposeAsync();
        await _keycloak.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the OS cleans its temp directory.
        }
    }
}
