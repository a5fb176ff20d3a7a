using DemoApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>One running samples/DemoApp, configured only through its configuration keys, as an operator would.</summary>
internal sealed class DemoAppInstance : IAsyncDisposable
{
    private readonly string[] _args;
    private WebApplication _app;

    private DemoAppInstance(WebApplication app, string[] args, Uri baseUrl, string clientId)
    {
        _app = app;
        _args = args;
        BaseUrl = baseUrl;
        ClientId = clientId;
    }

    public Uri BaseUrl { get; }

    public string ClientId { get; }

    public LocalSessionRegistry Sessions => _app.Services.GetRequiredService<LocalSessionRegistry>();

    /// <summary>Starts the application as client <paramref name="clientId"/> (secret "{clientId}-secret") of <paramref name="issuer"/>.</summary>
    /// <param name="realmKeySetOnly">
    /// Leave <c>LogoutEnricherJwksUri</c> unset: the application verifies enriched tokens with the provider's own key set
    /// (discovery <c>jwks_uri</c>), as an unchanged application does where LogoutEnricher serves the realm key set.
    /// </param>
    public static async Task<DemoAppInstance> StartAsync(int port, string clientId, string issuer, Uri sidecar, string tokenPath, bool realmKeySetOnly = false)
    {
        var settings = new Dictionary<string, string>
        {
            ["Authority"] = issuer,
            ["ClientId"] = clientId,
            ["ClientSecret"] = clientId + "-secret",
            ["TokenEndpoint"] = new Uri(sidecar, tokenPath).ToString(),
        };
        if (!realmKeySetOnly)
        {
            settings["LogoutEnricherJwksUri"] = new Uri(sidecar, ".well-known/jwks.json").ToString();
        }

        var args = new List<string> { $"--urls=http://127.0.0.1:{port}", "--environment=Testing", "--Logging:LogLevel:Default=Warning" };
        args.AddRange(settings.Select(s => $"--DemoApp:{s.Key}={s.Value}"));
        var app = DemoApplication.Create([.. args]);
        await app.StartAsync();
        return new DemoAppInstance(app, [.. args], new Uri($"http://127.0.0.1:{port}/"), clientId);
    }

    /// <summary>The application goes down: its port refuses connections until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Comes back on the same port, as a restarted process would: its in-memory sessions are gone.</summary>
    public async Task RestartAsync()
    {
        _app = DemoApplication.Create(_args);
        await _app.StartAsync();
    }

    /// <summary>The full local session id behind the short one the page shows.</summary>
    public string SessionIdShownOn(Page page)
    {
        var shown = System.Text.RegularExpressions.Regex.Match(page.Html, "local session <code>([^<]+)</code>").Groups[1].Value;
        return Assert.Single(Sessions.Sessions, s => s.ShortId == shown).Id;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
