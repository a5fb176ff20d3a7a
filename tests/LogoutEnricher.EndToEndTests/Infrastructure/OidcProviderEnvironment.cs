namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>node oidc-provider with LogoutEnricher between it and two DemoApp instances, each on a loopback port.</summary>
internal sealed class OidcProviderEnvironment : IAsyncDisposable
{
    private readonly SidecarAndApps _deployment;

    private OidcProviderEnvironment(NodeOidcProvider provider, SidecarAndApps deployment)
    {
        Provider = provider;
        _deployment = deployment;
    }

    public NodeOidcProvider Provider { get; }

    public DemoAppInstance First => _deployment.First;

    public DemoAppInstance Second => _deployment.Second;

    /// <summary>Starts everything, or skips (fails in CI) when node or the provider's packages are missing.</summary>
    public static async Task<OidcProviderEnvironment> StartAsync()
    {
        if (NodeOidcProvider.Unavailable() is { } reason)
        {
            Requirement.Missing(reason);
        }

        // Note: each server names the others, so the provider's and LogoutEnricher's ports are chosen before either starts.
        var (providerPort, sidecarPort) = (Requirement.FreePort(), Requirement.FreePort());
        var issuer = $"http://127.0.0.1:{providerPort}";
        var deployment = await SidecarAndApps.StartAsync(sidecarPort, issuer, new()
        {
            // oidc-provider is not Keycloak-shaped: its token endpoint is configured explicitly.
            ["LogoutEnricher:Issuers:e2e:TokenEndpoint"] = $"{issuer}/token",
            ["LogoutEnricher:Issuers:e2e:TokenPath"] = "/oidc/token",
        }, "oidc/token");

        var provider = await NodeOidcProvider.StartAsync(providerPort, new[] { deployment.First, deployment.Second }.Select(app =>
            new ProviderClient(app.ClientId, app.ClientId + "-secret", app.BaseUrl, new Uri(deployment.SidecarUrl, $"backchannel-logout/{app.ClientId}"))));
        return new OidcProviderEnvironment(provider, deployment);
    }

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await _deployment.DisposeAsync();
    }
}
