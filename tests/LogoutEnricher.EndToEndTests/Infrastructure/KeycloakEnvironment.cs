using System.Text;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>
/// Real Keycloak in a container (Testcontainers), imported from the repository's keycloak-realm.json with its
/// back-channel logout URLs pointed at LogoutEnricher on the host, plus two DemoApp instances.
/// </summary>
internal sealed class KeycloakEnvironment : IAsyncDisposable
{
    public const string Image = "quay.io/keycloak/keycloak:26.4.13";

    private readonly IContainer _keycloak;
    private readonly SidecarAndApps _deployment;

    private KeycloakEnvironment(IContainer keycloak, Uri baseUrl, SidecarAndApps deployment)
    {
        _keycloak = keycloak;
        BaseUrl = baseUrl;
        _deployment = deployment;
    }

    /// <summary>Keycloak as the test and LogoutEnricher reach it (the issuer follows this address).</summary>
    public Uri BaseUrl { get; }

    public Uri SidecarUrl => _deployment.SidecarUrl;

    public DemoAppInstance First => _deployment.First;

    public DemoAppInstance Second => _deployment.Second;

    /// <summary>Starts everything, or skips, also in CI: there is no Docker engine there, and Keycloak needs one.</summary>
    public static async Task<KeycloakEnvironment> StartAsync()
    {
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is null)
        {
            Assert.Skip("no Docker engine answers here; the Keycloak end-to-end tests need one to run " + Image);
        }

        var sidecarPort = Requirement.FreePort();
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

        // Note: Keycloak calls LogoutEnricher from inside the container, through the Docker host gateway.
        var deployment = await SidecarAndApps.StartAsync(sidecarPort, new Uri(baseUrl, "realms/demo").ToString(), new()
        {
            ["LogoutEnricher:Upstream:BaseUrl"] = baseUrl.ToString(),
        }, "realms/demo/protocol/openid-connect/token", listenAnyIp: true);
        return new KeycloakEnvironment(keycloak, baseUrl, deployment);
    }

    public async ValueTask DisposeAsync()
    {
        await _deployment.DisposeAsync();
        await _keycloak.DisposeAsync();
    }
}
