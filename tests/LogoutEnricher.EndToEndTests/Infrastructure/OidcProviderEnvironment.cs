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

    /// <summary>Where LogoutEnricher listens.</summary>
    public Uri SidecarUrl => _deployment.SidecarUrl;

    /// <summary>Starts everything, or skips (fails in CI) when node or the provider's packages are missing.</summary>
    /// <param name="settings">More LogoutEnricher settings (e.g. the admin API, delivery timings), or null.</param>
    /// <param name="console">Console sign-in by OIDC against the provider, or null for API keys only.</param>
    public static async Task<OidcProviderEnvironment> StartAsync(Dictionary<string, string?>? settings = null, ConsoleOidcSetup? console = null)
    {
        if (NodeOidcProvider.Unavailable() is { } reason)
        {
            Requirement.Missing(reason);
        }

        // Note: each server names the others, so the provider's and LogoutEnricher's ports are chosen before either starts.
        var (providerPort, sidecarPort) = (Requirement.FreePort(), Requirement.FreePort());
        var issuer = $"http://127.0.0.1:{providerPort}";
        settings = new Dictionary<string, string?>(settings ?? []);
        if (console is not null)
        {
            settings["LogoutEnricher:Admin:Bearer:Issuer"] = issuer;
            settings["LogoutEnricher:Admin:Bearer:Audience"] = console.Audience;
            settings["LogoutEnricher:Admin:Bearer:RequiredRole"] = console.Role;
            settings["LogoutEnricher:Console:Oidc:ClientId"] = console.ClientId;
            settings["LogoutEnricher:Console:Oidc:ClientSecret"] = console.ClientId + "-secret";
        }

        var deployment = await SidecarAndApps.StartAsync(sidecarPort, issuer, new(settings)
        {
            // oidc-provider is not Keycloak-shaped: its token endpoint is configured explicitly.
            ["LogoutEnricher:Issuers:e2e:TokenEndpoint"] = $"{issuer}/token",
            ["LogoutEnricher:Issuers:e2e:TokenPath"] = "/oidc/token",
        }, "oidc/token");

        var clients = new[] { deployment.First, deployment.Second }.Select(app =>
            new ProviderClient(app.ClientId, app.ClientId + "-secret", app.BaseUrl, new Uri(deployment.SidecarUrl, $"backchannel-logout/{app.ClientId}"))).ToList();
        if (console is not null)
        {
            clients.Add(new ProviderClient(console.ClientId, console.ClientId + "-secret", new Uri(deployment.SidecarUrl, "admin/console/"), null, console.Audience));
        }

        var provider = await NodeOidcProvider.StartAsync(providerPort, clients, console is null ? null : new Dictionary<string, string[]> { [console.Operator] = [console.Role] });
        return new OidcProviderEnvironment(provider, deployment);
    }

    /// <summary>A second LogoutEnricher replica (see <see cref="SidecarAndApps.StartReplica"/>); where it listens.</summary>
    public Uri StartReplica() => _deployment.StartReplica();

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await _deployment.DisposeAsync();
    }
}

/// <summary>The console's OIDC client at the provider, the audience and role LogoutEnricher requires, and who has it.</summary>
internal sealed record ConsoleOidcSetup(string ClientId, string Audience, string Role, string Operator);
