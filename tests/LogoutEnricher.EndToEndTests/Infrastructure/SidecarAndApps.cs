using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Hosting;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>
/// LogoutEnricher (in process, on Kestrel) and two DemoApp instances as clients demo-app-1 and demo-app-2 of one
/// issuer, wired together only through configuration keys, as an operator would.
/// </summary>
internal sealed class SidecarAndApps : IAsyncDisposable
{
    public const string FirstClientId = "demo-app-1";
    public const string SecondClientId = "demo-app-2";

    private readonly SidecarFactory _sidecar;
    private readonly string _dataDirectory;

    private SidecarAndApps(SidecarFactory sidecar, Uri sidecarUrl, DemoAppInstance first, DemoAppInstance second, string dataDirectory)
    {
        _sidecar = sidecar;
        SidecarUrl = sidecarUrl;
        First = first;
        Second = second;
        _dataDirectory = dataDirectory;
    }

    public Uri SidecarUrl { get; }

    public DemoAppInstance First { get; }

    public DemoAppInstance Second { get; }

    /// <param name="issuerSettings">The <c>LogoutEnricher:Issuers:{name}</c> keys other than the clients.</param>
    /// <param name="listenAnyIp">Listen beyond loopback, for a provider in a container.</param>
    public static async Task<SidecarAndApps> StartAsync(int sidecarPort, string issuer, Dictionary<string, string?> issuerSettings, string tokenPath, bool listenAnyIp = false)
    {
        var apps = new[] { (Id: FirstClientId, Port: Requirement.FreePort()), (Id: SecondClientId, Port: Requirement.FreePort()) };
        var dataDirectory = Directory.CreateTempSubdirectory("logoutenricher-e2e-").FullName;
        var settings = new Dictionary<string, string?>(issuerSettings)
        {
            ["LogoutEnricher:Issuers:e2e:Issuer"] = issuer,
            ["LogoutEnricher:Storage:Sqlite:Path"] = Path.Combine(dataDirectory, "logoutenricher.db"),
        };
        foreach (var app in apps)
        {
            settings[$"LogoutEnricher:Issuers:e2e:Clients:{app.Id}:LogoutUrl"] = $"http://127.0.0.1:{app.Port}/backchannel-logout";
        }

        var sidecar = new SidecarFactory(settings);
        sidecar.UseKestrel(kestrel =>
        {
            if (listenAnyIp)
            {
                kestrel.ListenAnyIP(sidecarPort);
            }
            else
            {
                kestrel.ListenLocalhost(sidecarPort);
            }
        });
        sidecar.StartServer();

        var sidecarUrl = new Uri($"http://127.0.0.1:{sidecarPort}/");
        var first = await DemoAppInstance.StartAsync(apps[0].Port, apps[0].Id, issuer, sidecarUrl, tokenPath);
        var second = await DemoAppInstance.StartAsync(apps[1].Port, apps[1].Id, issuer, sidecarUrl, tokenPath);
        return new SidecarAndApps(sidecar, sidecarUrl, first, second, dataDirectory) { _settings = settings };
    }

    private Dictionary<string, string?> _settings = [];

    private readonly List<SidecarFactory> _replicas = [];

    /// <summary>
    /// Another LogoutEnricher replica with the same settings, on its own loopback port: with a shared store (Redis,
    /// PostgreSQL) it sees what the first one stored, as a second replica behind a load balancer would.
    /// </summary>
    public Uri StartReplica()
    {
        var port = Requirement.FreePort();
        var replica = new SidecarFactory(_settings);
        replica.UseKestrel(kestrel => kestrel.ListenLocalhost(port));
        replica.StartServer();
        _replicas.Add(replica);
        return new Uri($"http://127.0.0.1:{port}/");
    }

    public async ValueTask DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

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
