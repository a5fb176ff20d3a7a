using System.Security.Cryptography;
using LogoutEnricher.Delivery;
using LogoutEnricher.Delivery.Signing;
using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace LogoutEnricher.Benchmarks.Fixture;

/// <summary>
/// LogoutEnricher's own service graph (<c>AddLogoutEnricher</c>), configured as in production, with in-memory stores
/// and in-memory HTTP to the provider and the application.
/// </summary>
internal sealed class SidecarServices : IAsyncDisposable
{
    private readonly string _directory;

    private SidecarServices(ServiceProvider services, ProviderKeys provider, string directory)
    {
        Services = services;
        Provider = provider;
        _directory = directory;
    }

    public ServiceProvider Services { get; }

    public ProviderKeys Provider { get; }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public static async Task<SidecarServices> StartAsync(string mode = "Synchronous", string algorithm = "RS256", IReadOnlyDictionary<string, string?>? extra = null)
    {
        var provider = new ProviderKeys();
        var directory = Directory.CreateTempSubdirectory("logoutenricher-bench-").FullName;
        var keyFile = Path.Combine(directory, "signing.pem");
        using (var key = algorithm.StartsWith("ES", StringComparison.Ordinal) ? (AsymmetricAlgorithm)ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048))
        {
            await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        }

        var settings = new Dictionary<string, string?>
        {
            ["LogoutEnricher:Upstream:BaseUrl"] = "http://keycloak.bench/",
            ["LogoutEnricher:Issuers:demo:Issuer"] = ProviderKeys.Issuer,
            [$"LogoutEnricher:Issuers:demo:Clients:{ProviderKeys.ClientId}:LogoutUrl"] = "http://app.bench/logout",
            ["LogoutEnricher:Delivery:Mode"] = mode,
            ["LogoutEnricher:Signing:Algorithm"] = algorithm,
            ["LogoutEnricher:Signing:KeyFile"] = keyFile,
            ["LogoutEnricher:Storage:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["LogoutEnricher:Storage:Sqlite:Path"] = Path.Combine(directory, "logoutenricher.db"),
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = directory, ContentRootFileProvider = new NullFileProvider() });
        services.AddSingleton<IWebHostEnvironment>(new HostingEnvironment { ContentRootPath = directory, ContentRootFileProvider = new NullFileProvider() });
        var protector = new SecretProtector(Convert.FromBase64String(settings["LogoutEnricher:Storage:EncryptionKey"]!));
        var appSession = new AppSession(
            protector.Handle("PHPSESSID-a1b2c3d4e5f6", "app-session"), protector.Protect("PHPSESSID-a1b2c3d4e5f6", "app-session"), null);
        services.AddSingleton<IReplayCache>(new ForgetfulReplayCache());
        services.AddSingleton<IOutboxStore>(new CountingOutbox());
        services.AddLogoutEnricher(configuration);
        // Note: the product's ProtectedSessionStore (hashing the sid, decrypting the subject) runs over it, as over a backend.
        services.AddSingleton<ISessionRecordStore>(new InMemorySessionStore([appSession], new ProtectedIdentity(protector.Protect("bench-sid", ProtectedSessionStore.SidPurpose), null)));
        services.AddSingleton(protector);

        var handler = new StaticHandler(provider.Jwks());
        services.AddHttpClient(ProviderKeyCache.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        services.AddHttpClient(LogoutDeliverer.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);

        var built = services.BuildServiceProvider();
        await built.GetRequiredService<SigningKeyProvider>().InitializeAsync(CancellationToken.None);
        await built.GetRequiredService<ProviderKeyCache>().LoadMissingAsync(CancellationToken.None);
        return new SidecarServices(built, provider, directory);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Provider.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>The hosting environment a plain service provider lacks.</summary>
internal sealed class HostingEnvironment : IWebHostEnvironment
{
    public string ApplicationName { get; set; } = "LogoutEnricher";

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();

    public string ContentRootPath { get; set; } = "";

    public string EnvironmentName { get; set; } = "Production";

    public IFileProvider WebRootFileProvider { get; set; } = new NullFileProvider();

    public string WebRootPath { get; set; } = "";
}
