using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>Where LogoutEnricher stands relative to Keycloak (docs/deployment.md "Deployment shapes").</summary>
internal enum DeploymentShape
{
    /// <summary>(a) LogoutEnricher is Keycloak's only ingress and forwards every other path.</summary>
    FrontDoor,

    /// <summary>(b) real nginx with deploy/nginx/logoutenricher-ingress.conf.template routes token, certs and Admin URL paths to it.</summary>
    NginxIngress,
}

/// <summary>
/// The Keycloak-faithful fake realm, LogoutEnricher (in process, on Kestrel) and the unchanged keycloak-connect
/// express application, wired only through configuration: the application's keycloak.json names Keycloak's public
/// URL, which is LogoutEnricher (front door) or nginx (ingress); its client is configured in LogoutEnricher with
/// <c>Format: KeycloakAdmin</c> and <c>LogoutUrl</c> = its root, where keycloak-connect answers <c>/k_logout</c>.
/// </summary>
internal sealed class UnchangedAppEnvironment : IAsyncDisposable
{
    private readonly SidecarFactory _sidecar;
    private readonly NginxIngress? _nginx;
    private readonly string _dataDirectory;

    private UnchangedAppEnvironment(FakeKeycloak keycloak, SidecarFactory sidecar, Uri sidecarUrl, NginxIngress? nginx, KeycloakConnectApp app, string dataDirectory)
    {
        Keycloak = keycloak;
        _sidecar = sidecar;
        SidecarUrl = sidecarUrl;
        _nginx = nginx;
        App = app;
        _dataDirectory = dataDirectory;
    }

    public FakeKeycloak Keycloak { get; }

    public KeycloakConnectApp App { get; }

    /// <summary>LogoutEnricher's own address (what the ingress forwards to).</summary>
    public Uri SidecarUrl { get; }

    /// <summary>Keycloak's public URL: where browsers, the application and Keycloak's issuer point.</summary>
    public Uri PublicUrl => Keycloak.PublicUrl;

    public NginxIngress? Nginx => _nginx;

    /// <summary>The client's Admin URL as configured in Keycloak: LogoutEnricher's Admin URL endpoint at the public URL.</summary>
    public Uri AdminUrl => new(PublicUrl, $"keycloak-admin/{KeycloakConnectApp.ClientId}");

    /// <summary>The client's back-channel logout URL as configured in Keycloak.</summary>
    public Uri BackChannelLogoutUrl => new(SidecarUrl, $"backchannel-logout/{KeycloakConnectApp.ClientId}");

    public ProtectedSessionStore Sessions => _sidecar.Services.GetRequiredService<ProtectedSessionStore>();

    /// <summary>Starts everything, or skips (fails in CI) when node, the adapter's packages or nginx are missing.</summary>
    public static async Task<UnchangedAppEnvironment> StartAsync(DeploymentShape shape)
    {
        if (KeycloakConnectApp.Unavailable() is { } reason)
        {
            Requirement.Missing(reason);
        }

        if (shape == DeploymentShape.NginxIngress && NginxIngress.Unavailable() is { } nginxReason)
        {
            Requirement.Missing(nginxReason);
        }

        // Note: each server names the others, so every port is chosen before anything starts.
        var (sidecarPort, appPort, ingressPort) = (Requirement.FreePort(), Requirement.FreePort(), Requirement.FreePort());
        var sidecarUrl = new Uri($"http://127.0.0.1:{sidecarPort}/");
        var publicUrl = shape == DeploymentShape.FrontDoor ? sidecarUrl : new Uri($"http://127.0.0.1:{ingressPort}/");
        var appUrl = new Uri($"http://127.0.0.1:{appPort}/");

        var keycloak = await FakeKeycloak.StartAsync(publicUrl);
        keycloak.RegisterClient(KeycloakConnectApp.ClientId, KeycloakConnectApp.ClientSecret, appUrl);
        var dataDirectory = Directory.CreateTempSubdirectory("logoutenricher-e2e-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["LogoutEnricher:Upstream:BaseUrl"] = keycloak.BaseUrl.ToString(),
            ["LogoutEnricher:Upstream:FrontDoor"] = shape == DeploymentShape.FrontDoor ? "true" : "false",
            ["LogoutEnricher:Issuers:demo:Issuer"] = keycloak.Issuer,
            ["LogoutEnricher:Issuers:demo:MetadataAddress"] = $"{keycloak.BaseUrl}realms/{The.Realm}/.well-known/openid-configuration",
            [$"LogoutEnricher:Issuers:demo:Clients:{KeycloakConnectApp.ClientId}:LogoutUrl"] = appUrl.ToString(),
            [$"LogoutEnricher:Issuers:demo:Clients:{KeycloakConnectApp.ClientId}:Format"] = "KeycloakAdmin",
            ["LogoutEnricher:Storage:Sqlite:Path"] = Path.Combine(dataDirectory, "logoutenricher.db"),
        };
        if (shape == DeploymentShape.NginxIngress)
        {
            // Behind an ingress LogoutEnricher is not the front door: the realm key set is turned on explicitly.
            settings["LogoutEnricher:RealmKeySet:Enabled"] = "true";
        }

        var sidecar = new SidecarFactory(settings);
        sidecar.UseKestrel(kestrel => kestrel.ListenLocalhost(sidecarPort));
        sidecar.StartServer();

        var nginx = shape == DeploymentShape.NginxIngress ? await NginxIngress.StartAsync(ingressPort, keycloak.BaseUrl, sidecarUrl) : null;
        var app = await KeycloakConnectApp.StartAsync(appPort, publicUrl);
        return new UnchangedAppEnvironment(keycloak, sidecar, sidecarUrl, nginx, app, dataDirectory);
    }

    /// <summary>Keycloak's per-session back-channel logout for <paramref name="user"/>'s SSO session, to LogoutEnricher.</summary>
    public async Task<HttpResponseMessage> BackChannelLogoutAsync(string user)
    {
        var session = Keycloak.SessionOf(user);
        return await FakeKeycloak.SendBackChannelLogoutAsync(BackChannelLogoutUrl, Keycloak.LogoutToken(KeycloakConnectApp.ClientId, session.Sub, session.Sid).Sign());
    }

    /// <summary>Waits until the epoch second changes: Keycloak's notBefore and the tokens' iat are whole seconds.</summary>
    public static async Task NextSecondAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        while (DateTimeOffset.UtcNow.ToUnixTimeSeconds() == now)
        {
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }

        await _sidecar.DisposeAsync();
        await Keycloak.DisposeAsync();
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
