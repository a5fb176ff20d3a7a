using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>
/// One Keycloak (fake), two applications (fake) and LogoutEnricher between them, configured as an operator would.
/// </summary>
internal sealed class TestEnvironment : IAsyncDisposable
{
    private readonly Action<IServiceCollection>? _services;
    private readonly ConcurrentBag<string> _appSessionIds = [];
    private readonly Dictionary<string, string?> _settings;
    private SidecarFactory _sidecar;

    private TestEnvironment(FakeKeycloak keycloak, FakeApplication app, FakeApplication otherApp, string dataDirectory,
        Dictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        Keycloak = keycloak;
        App = app;
        OtherApp = otherApp;
        DataDirectory = dataDirectory;
        _settings = settings;
        _services = collection =>
        {
            collection.AddSingleton<Serilog.Core.ILogEventSink>(Logs);
            MachineKeyRing.Apply(collection);
            services?.Invoke(collection);
        };
        _sidecar = StartSidecar();
    }

    public FakeKeycloak Keycloak { get; }

    public FakeApplication App { get; }

    public FakeApplication OtherApp { get; }

    public string DataDirectory { get; }

    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => _sidecar.Services;

    /// <summary>Everything the sidecar logged; scanned for secrets when the environment is disposed.</summary>
    public LogCapture Logs { get; } = new();

    /// <param name="keycloak">Changes the fake provider before LogoutEnricher starts (e.g. to start it as unavailable).</param>
    public static async Task<TestEnvironment> StartAsync(
        Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null, Action<FakeKeycloak>? keycloak = null)
    {
        var provider = await FakeKeycloak.StartAsync();
        keycloak?.Invoke(provider);
        var app = await FakeApplication.StartAsync(The.ClientId);
        var otherApp = await FakeApplication.StartAsync(The.OtherClientId);
        var dataDirectory = Directory.CreateTempSubdirectory("logoutenricher-it-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["LogoutEnricher:Upstream:BaseUrl"] = provider.BaseUrl.ToString(),
            ["LogoutEnricher:Issuers:demo:Issuer"] = provider.Issuer,
            [$"LogoutEnricher:Issuers:demo:Clients:{The.ClientId}:LogoutUrl"] = app.LogoutUrl,
            [$"LogoutEnricher:Issuers:demo:Clients:{The.OtherClientId}:LogoutUrl"] = otherApp.LogoutUrl,
            ["LogoutEnricher:Storage:Sqlite:Path"] = Path.Combine(dataDirectory, "logoutenricher.db"),
            // Note: no test here waits for a delivery to time out; a short timeout only turned a busy machine's stall
            // into a failed delivery (a 400 in Synchronous mode). Five seconds is Keycloak's own socket timeout.
            ["LogoutEnricher:Delivery:Timeout"] = "00:00:05",
            // Note: the suites written before the outbox assert inline delivery (delivery_failed answers); the Queued
            // suites switch back to the product default with Queued().
            ["LogoutEnricher:Delivery:Mode"] = "Synchronous",
        };
        configure?.Invoke(settings);
        return new TestEnvironment(provider, app, otherApp, dataDirectory, settings, services);
    }

    /// <summary>A setting of the tests, not of LogoutEnricher: the port the sidecar listens on, for settings that must
    /// name the sidecar's own address before it starts (see <see cref="FreePort"/>). Default: any free port.</summary>
    public const string SidecarPortSetting = "Test:SidecarPort";

    /// <summary>A loopback port free right now.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Queued mode (the product default) with retry timings small enough for a test.</summary>
    public static void Queued(Dictionary<string, string?> settings)
    {
        settings["LogoutEnricher:Delivery:Mode"] = "Queued";
        settings["LogoutEnricher:Delivery:InitialBackoff"] = "00:00:00.200";
        settings["LogoutEnricher:Delivery:MaxBackoff"] = "00:00:01";
        settings["LogoutEnricher:Delivery:PollInterval"] = "00:00:00.200";
        settings["LogoutEnricher:Delivery:LeaseDuration"] = "00:00:10";
    }

    /// <summary>Stops LogoutEnricher and starts it again over the same data directory, optionally reconfigured.</summary>
    public async Task RestartSidecarAsync(Action<Dictionary<string, string?>>? reconfigure = null)
    {
        await _sidecar.DisposeAsync();
        reconfigure?.Invoke(_settings);
        _sidecar = StartSidecar();
    }

    /// <summary>
    /// A second LogoutEnricher over the same SQLite file (WAL lets several processes share it), as a second replica
    /// behind a load balancer would be; dispose it before the environment.
    /// </summary>
    public SidecarFactory StartReplica(out HttpClient client) => StartReplica(out client, reconfigure: null);

    /// <summary>A replica whose settings differ from this environment's by <paramref name="reconfigure"/> (e.g. another store).</summary>
    public SidecarFactory StartReplica(out HttpClient client, Action<Dictionary<string, string?>>? reconfigure)
    {
        var settings = new Dictionary<string, string?>(_settings);
        reconfigure?.Invoke(settings);
        var replica = new SidecarFactory(settings, _services);
        replica.UseKestrel(0);
        replica.StartServer();
        client = new HttpClient { BaseAddress = KestrelHost.AddressOf(replica.Services) };
        return replica;
    }

    /// <summary>The authorization-code exchange an application makes, sent through LogoutEnricher.</summary>
    /// <param name="chunked">Sends the form with <c>Transfer-Encoding: chunked</c> instead of a Content-Length.</param>
    public Task<HttpResponseMessage> ExchangeCodeAsync(string clientId, string appSessionId, string sub = The.Subject, string sid = The.Sid, string? host = null, bool chunked = false)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = Keycloak.IssueCode(clientId, sub, sid),
            ["redirect_uri"] = "http://app.test/callback",
            ["client_session_state"] = appSessionId,
        };
        _appSessionIds.Add(appSessionId);
        if (host is not null)
        {
            form["client_session_host"] = host;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, $"/realms/{The.Realm}/protocol/openid-connect/token") { Content = new FormUrlEncodedContent(form) };
        var secret = clientId == The.OtherClientId ? The.OtherClientSecret : The.ClientSecret;
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        request.Headers.TransferEncodingChunked = chunked;
        return Client.SendAsync(request);
    }

    /// <summary>Logs in through LogoutEnricher and returns the refresh token; fails the test unless the exchange is 200.</summary>
    public async Task<string> LoginAsync(string clientId, string appSessionId, string sub = The.Subject, string sid = The.Sid)
    {
        using var response = await ExchangeCodeAsync(clientId, appSessionId, sub, sid);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("refresh_token").GetString()!;
    }

    /// <param name="appSessionId">Sent as <c>client_session_state</c>; null sends none, as keycloak-connect refreshes.</param>
    public Task<HttpResponseMessage> RefreshAsync(string clientId, string refreshToken, string? appSessionId)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = clientId,
            ["client_secret"] = The.ClientSecret,
        };
        if (appSessionId is not null)
        {
            _appSessionIds.Add(appSessionId);
            form["client_session_state"] = appSessionId;
        }

        return Client.PostAsync($"/realms/{The.Realm}/protocol/openid-connect/token", new FormUrlEncodedContent(form));
    }

    /// <summary>What Keycloak sends: a form POST with the single field logout_token.</summary>
    /// <param name="client">Another client of this sidecar (e.g. one with fewer connections); <see cref="Client"/> if null.</param>
    public Task<HttpResponseMessage> SendLogoutAsync(string logoutToken, string path = "/backchannel-logout", HttpClient? client = null) =>
        (client ?? Client).PostAsync(path, new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", logoutToken)]));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _sidecar.DisposeAsync();
        await App.DisposeAsync();
        await OtherApp.DisposeAsync();
        await Keycloak.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp directory is cleaned by the OS.
        }

        // Whatever a test did, the logs hold no token, client secret or raw application session id.
        Logs.AssertNoSecrets([The.ClientSecret, The.OtherClientSecret, .. _appSessionIds]);
    }

    private SidecarFactory StartSidecar()
    {
        var sidecar = new SidecarFactory(_settings, _services);
        sidecar.UseKestrel(_settings.TryGetValue(SidecarPortSetting, out var port) && port is not null ? int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) : 0);
        sidecar.StartServer();
        var address = KestrelHost.AddressOf(sidecar.Services);
        Client = new HttpClient { BaseAddress = address };
        foreach (var app in new[] { App, OtherApp })
        {
            app.JwksAddress = new Uri(address, ".well-known/jwks.json");
            app.ExpectedIssuer = Keycloak.Issuer;
        }

        return sidecar;
    }
}
