using System.Net;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LogoutEnricher.IntegrationTests;

public sealed class ProviderKeyCacheTests
{
    [Fact]
    public async Task Logout_JwksUnreachableWhenTheCacheExpires_IsVerifiedWithTheCachedKeys()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await TestEnvironment.StartAsync(services: services => services.AddSingleton<TimeProvider>(time));
        var requestsBefore = await ExpireCachedKeysWhileJwksIsDownAsync(env, time);
        using var response = await env.SendLogoutAsync(TokenAt(env, time, The.Sid));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(env.Keycloak.JwksRequests > requestsBefore, "the expired cache should have tried a refresh");
        Assert.Equal(2, env.App.Received.Count);
    }

    [Fact]
    public async Task Logouts_ConcurrentWhenTheCacheExpiresAndJwksIsDown_OneFetchThenCachedKeysForAll()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var env = await TestEnvironment.StartAsync(services: services => services.AddSingleton<TimeProvider>(time));
        var requestsBefore = await ExpireCachedKeysWhileJwksIsDownAsync(env, time);
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(n => env.SendLogoutAsync(TokenAt(env, time, $"sid-{n}"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(requestsBefore + 1, env.Keycloak.JwksRequests);
        Assert.Equal(7, env.App.Received.Count);
    }

    [Fact]
    public async Task Logout_ProviderUnreachableAndNothingCached_Returns400TemporarilyUnavailable()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
            settings["LogoutEnricher:Issuers:demo:MetadataAddress"] = "http://127.0.0.1:9/.well-known/openid-configuration");

        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());

        await Responses.AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "temporarily_unavailable");
        Assert.Empty(env.App.Received);
    }

    [Fact]
    public async Task Readiness_ProviderDownAtStartup_TurnsReadyOnceItAnswersWithoutAnyLogout()
    {
        await using var env = await TestEnvironment.StartAsync(keycloak: keycloak => keycloak.JwksAvailable = false);
        await Task.Delay(300);
        using (var notReady = await env.Client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        }

        env.Keycloak.JwksAvailable = true;
        Assert.Equal(HttpStatusCode.OK, await ReadinessWithinAsync(env, TimeSpan.FromSeconds(30)));
        Assert.Empty(env.App.Received);
    }

    [Theory]
    [InlineData("discovery", "[]")]
    [InlineData("discovery", "{\"jwks_uri\":\"ftp://127.0.0.1/certs\"}")]
    [InlineData("jwks", "[]")]
    public async Task ProviderAnswersNonsense_LogoutIs400TemporarilyUnavailableAndReadinessFollowsOnceItIsFixed(string where, string answer)
    {
        await using var env = await TestEnvironment.StartAsync(keycloak: keycloak =>
        {
            keycloak.DiscoveryOverride = where == "discovery" ? answer : null;
            keycloak.JwksOverride = where == "jwks" ? answer : null;
        });

        using var logout = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        await Responses.AssertOAuthErrorAsync(logout, HttpStatusCode.BadRequest, "temporarily_unavailable");
        env.Keycloak.DiscoveryOverride = env.Keycloak.JwksOverride = null;
        Assert.Equal(HttpStatusCode.OK, await ReadinessWithinAsync(env, TimeSpan.FromSeconds(30)));
    }

    /// <summary>Polls <c>/health/ready</c> every 100 ms until it answers 200 or <paramref name="within"/> has passed.</summary>
    private static async Task<HttpStatusCode> ReadinessWithinAsync(TestEnvironment env, TimeSpan within)
    {
        var ready = HttpStatusCode.ServiceUnavailable;
        for (var deadline = DateTime.UtcNow + within; ready != HttpStatusCode.OK && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(100);
            using var response = await env.Client.GetAsync("/health/ready");
            ready = response.StatusCode;
        }

        return ready;
    }

    /// <summary>
    /// Loads the provider's keys with one delivered logout, takes the JWKS endpoint down and moves the clock past the
    /// cache lifetime. Returns the JWKS request count at that point.
    /// </summary>
    private static async Task<int> ExpireCachedKeysWhileJwksIsDownAsync(TestEnvironment env, FakeTimeProvider time)
    {
        using (var warmUp = await env.SendLogoutAsync(TokenAt(env, time, "warm-up")))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        env.Keycloak.JwksAvailable = false;
        var requests = env.Keycloak.JwksRequests;
        time.Advance(TimeSpan.FromHours(2));
        return requests;
    }

    /// <summary>A logout token issued at the fake clock's now.</summary>
    private static string TokenAt(TestEnvironment env, TimeProvider time, string sid)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        return env.Keycloak.LogoutToken(sid: sid).With(t => (t.Claims["iat"], t.Claims["exp"]) = (now, now + 120)).Sign();
    }
}
