using LogoutEnricher.IntegrationTests.Infrastructure;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>
/// node oidc-provider, LogoutEnricher between it and two DemoApp instances (two OIDC clients), each on a loopback
/// port, wired together only through configuration.
/// </summary>
internal sealed class OidcProviderEnvironment : IAsyncDisposable
{
    public const string FirstClientId = "demo-app-1";
    public const string SecondClientId = "demo-app-2";

    private readonly string _dataDirectory;
    private readonly SidecarFactory _sidecar;

    private OidcProviderEnvironment(NodeOidcProvider provider, SidecarFactory sidecar, DemoAppInstance first, DemoAppInstance second, string dataDirectory)
    {
        Provider = provider;
        _sidecar = sidecar;
        First = first;
        Second = second;
        _dataDirectory = dataDirectory;
    }

    public NodeOidcProvider Provider { get; }

    public DemoAppInstance First { get; }

    public DemoAppInstance Second { get; }

    /// <summary>Starts everything, or skips (fails in CI) when node or the provider's packages are missing.</summary>
    public static async Task<OidcProviderEnvironment> StartAsync()
    {
        if (NodeOidcProvider.Unavailable() is { } reason)
        {
            Requirement.Missing(reason);
        }

        // Note: every address must be known before anything starts (each names the others), so ports are chosen first.
        var (providerPort, sidecarPort, firstPort, secondPort) = (Requirement.FreePort(), Requirement.FreePort(), Requirement.FreePort(), Requirement.FreePort());
        var issuer = $"http://127.0.0.1:{providerPort}";
        var sidecarUrl = new Uri($"http://127.0.0.1:{sidecarPort}/");
        var apps = new[] { (Id: FirstClientId, Port: firstPort), (Id: SecondClientId, Port: secondPort) };
        var dataDirectory = Directory.CreateTempSubdirectory("logoutenricher-e2e-").FullName;

        var settings = new Dictionary<string, string?>
        {
            ["LogoutEnricher:Issuers:e2e:Issuer"] = issuer,
            ["LogoutEnricher:Issuers:e2e:TokenEndpoint"] = $"{issuer}/token",
            ["LogoutEnricher:Issuers:e2e:TokenPath"] = "/oidc/token",
            ["LogoutEnricher:Storage:Sqlite:Path"] = Path.Combine(dataDirectory, "logoutenricher.db"),
        };
        foreach (var app in apps)
        {
            settings[$"LogoutEnricher:Issuers:e2e:Clients:{app.Id}:LogoutUrl"] = $"http://127.0.0.1:{app.Port}/backchannel-logout";
        }

        var sidecar = new SidecarFactory(settings);
        sidecar.UseKestrel(sidecarPort);
        sidecar.StartServer();

        var instances = new List<DemoAppInstance>();
        foreach (var app in apps)
        {
            instances.Add(await DemoAppInstance.StartAsync(app.Port, app.Id, issuer, sidecarUrl, "oidc/token"));
        }

        var provider = await NodeOidcProvider.StartAsync(providerPort, instances.Select(i =>
            new ProviderClient(i.ClientId, i.ClientId + "-secret", i.BaseUrl, new Uri(sidecarUrl, $"backchannel-logout/{i.ClientId}"))));
        return new OidcProviderEnvironment(provider, sidecar, instances[0], instances[1], dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await First.DisposeAsync();
        await Second.DisposeAsync();
        await _sidecar.DisposeAsync();
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
