using System.Net;
using System.Text.Json;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.IntegrationTests;

public sealed class HostingTests
{
    [Fact]
    public async Task Restart_KeepsMappingsAndPublishesTheSameSigningKey()
    {
        await using var env = await TestEnvironment.StartAsync();
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        var kidsBefore = await KeyIdsAsync(env.Client);

        await env.RestartSidecarAsync();
        var kidsAfter = await KeyIdsAsync(env.Client);
        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());

        Assert.Single(kidsBefore);
        Assert.Equal(kidsBefore, kidsAfter);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
    }

    [Theory]
    [InlineData("ES256", "EC")]
    [InlineData("PS256", "RSA")]
    public async Task Signing_OtherAlgorithm_PublishesMatchingKeyAndTheApplicationVerifiesIt(string algorithm, string keyType)
    {
        await using var env = await TestEnvironment.StartAsync(settings => settings["LogoutEnricher:Signing:Algorithm"] = algorithm);

        using var jwks = JsonDocument.Parse(await env.Client.GetStringAsync("/.well-known/jwks.json"));
        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());

        var key = Assert.Single(jwks.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal(keyType, key.GetProperty("kty").GetString());
        Assert.Equal(algorithm, key.GetProperty("alg").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.False(key.TryGetProperty("d", out _));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal(algorithm, received.Token.Alg);
    }

    [Fact]
    public async Task Startup_SigningKeyLoadsBeforeTheDispatcherStarts()
    {
        // Hosted services start in registration order; the dispatcher signs as soon as it delivers what is due.
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);

        var started = env.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Select(s => s.GetType()).ToList();

        Assert.Contains(typeof(LogoutEnricher.Delivery.OutboxDispatcher), started);
        Assert.True(started.IndexOf(typeof(LogoutEnricher.Hosting.StartupInitializer)) < started.IndexOf(typeof(LogoutEnricher.Delivery.OutboxDispatcher)),
            string.Join(", ", started.Select(t => t.Name)));
    }

    [Fact]
    public async Task Startup_ProviderKeysFetchStartsBeforeTheSchemaIsChecked()
    {
        // Readiness waits for the providers' keys: their fetch starts in the first StartingAsync the host runs, so the
        // network round trips overlap the schema check, the signing key and the server's start.
        await using var env = await TestEnvironment.StartAsync();

        var lifecycle = env.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()
            .OfType<Microsoft.Extensions.Hosting.IHostedLifecycleService>().Select(s => s.GetType()).ToList();

        Assert.Equal(typeof(LogoutEnricher.Hosting.StartupInitializer), lifecycle.FirstOrDefault());
        Assert.Contains(lifecycle, t => t.Name == "StorageInitializerHostedService");
    }

    [Fact]
    public async Task Health_ReadyOnceStoreAndProviderKeysAreLoaded()
    {
        await using var env = await TestEnvironment.StartAsync();

        using var live = await env.Client.GetAsync("/health/live");
        var ready = HttpStatusCode.ServiceUnavailable;
        // Note: a generous deadline; the provider's keys load in the background, slowly on a loaded machine.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (ready != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            using var response = await env.Client.GetAsync("/health/ready");
            ready = response.StatusCode;
            await Task.Delay(100);
        }

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready);
    }

    [Fact]
    public async Task Health_ProviderUnreachable_IsLiveButNotReady()
    {
        await using var env = await TestEnvironment.StartAsync(settings => settings["LogoutEnricher:Issuers:demo:MetadataAddress"] = "http://127.0.0.1:9/.well-known/openid-configuration");

        using var live = await env.Client.GetAsync("/health/live");
        await Task.Delay(300);
        using var ready = await env.Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Theory]
    [InlineData("LogoutEnricher:Issuers:demo:Clients:app-one:LogoutUrl", "not a url", "LogoutEnricher:Issuers:demo:Clients:app-one:LogoutUrl")]
    [InlineData("LogoutEnricher:Issuers:demo:Issuer", "", "LogoutEnricher:Issuers:demo:Issuer")]
    [InlineData("LogoutEnricher:Logout:AllowedAlgorithms:0", "HS256", "LogoutEnricher:Logout:AllowedAlgorithms")]
    [InlineData("LogoutEnricher:Signing:Algorithm", "HS256", "LogoutEnricher:Signing:Algorithm")]
    [InlineData("LogoutEnricher:Signing:RetiredKeyGrace", "00:00:30", "LogoutEnricher:Signing:RetiredKeyGrace (00:00:30) must be at least")]
    [InlineData("LogoutEnricher:Signing:PublishBefore", "00:00:30", "LogoutEnricher:Signing:PublishBefore (00:00:30) must be longer than")]
    [InlineData("LogoutEnricher:Storage:EncryptionKey", "too-short", "LogoutEnricher:Storage:EncryptionKey")]
    [InlineData("LogoutEnricher:Delivery:LeaseDuration", "00:00:03", "LogoutEnricher:Delivery:LeaseDuration")]
    [InlineData("LogoutEnricher:Delivery:MaxAge", "00:00:00", "LogoutEnricher:Delivery:MaxAge")]
    [InlineData("LogoutEnricher:Delivery:MaxParallelismPerClient", "0", "LogoutEnricher:Delivery:MaxParallelismPerClient")]
    [InlineData("LogoutEnricher:Delivery:MaxConnectionsPerApplication", "0", "LogoutEnricher:Delivery:MaxConnectionsPerApplication is 0")]
    [InlineData("LogoutEnricher:Issuers:demo:Clients:app-one:FallbackLogoutUrl", "http://${application.session.host}/logout", "LogoutEnricher:Issuers:demo:Clients:app-one:FallbackLogoutUrl")]
    [InlineData("LogoutEnricher:Storage:Provider", "Redis", "LogoutEnricher:Storage:Redis:Configuration")]
    [InlineData("LogoutEnricher:Storage:Provider", "PostgreSql", "LogoutEnricher:Storage:PostgreSql:ConnectionString")]
    [InlineData("LogoutEnricher:Storage:Provider", "Redis", "LogoutEnricher:Storage:EncryptionKeyFile")]
    public async Task Startup_InvalidConfiguration_FailsNamingTheKeyToFix(string key, string value, string named)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var env = await TestEnvironment.StartAsync(settings => settings[key] = value);
        });

        var validation = Assert.IsType<OptionsValidationException>(exception.GetBaseException());
        Assert.Contains(named, validation.Message, StringComparison.Ordinal);
    }

    private static async Task<string[]> KeyIdsAsync(HttpClient client)
    {
        using var jwks = JsonDocument.Parse(await client.GetStringAsync("/.well-known/jwks.json"));
        return jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToArray();
    }
}
