using System.Net;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests;

/// <summary>The legacy k_logout format and per-node fan-out, each against a receiver that checks what a real one would.</summary>
public sealed class RoutingTests
{
    private const string Client = $"LogoutEnricher:Issuers:demo:Clients:{The.ClientId}";

    [Fact]
    public async Task Logout_ClientWithKeycloakAdminFormat_ReceivesALogoutActionTheOldAdapterAccepts()
    {
        await using var legacy = await FakeLegacyApplication.StartAsync(The.ClientId);
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            TestEnvironment.Queued(settings);
            settings[$"{Client}:LogoutUrl"] = legacy.AdminUrl;
            settings[$"{Client}:Format"] = "KeycloakAdmin";
        });
        legacy.JwksAddress = new Uri(env.Client.BaseAddress!, ".well-known/jwks.json");
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        await WaitAsync(() => !legacy.Received.IsEmpty);
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var action = Assert.Single(legacy.Received);
        Assert.StartsWith("text/plain", action.ContentType, StringComparison.Ordinal);
        Assert.True(action.SignatureValid, "signature");
        Assert.True(action.NotExpired, "expiration");
        Assert.True(action.ResourceMatches, "resource");
        Assert.True(action.IsLogout, "action");
        Assert.Equal([The.AppSessionId], action.AdapterSessionIds);
        Assert.Equal("JWT", action.Token.Typ);
        Assert.Equal(0, action.Token.GetPayloadValue<long>("notBefore"));
        Assert.Matches("^[0-9a-f-]{36}-[0-9]{13}$", action.Token.GetPayloadValue<string>("id"));
    }

    [Fact]
    public async Task Logout_PerNodeUrl_FansOutOnePostPerHostWithOnlyItsIdsAndNoneToAHostNotAllowed()
    {
        await using var nodeA = await FakeApplication.StartAsync(The.ClientId);
        await using var nodeB = await FakeApplication.StartAsync(The.ClientId);
        await using var fallback = await FakeApplication.StartAsync(The.ClientId);
        // Note: a listener, not a counter of connections: a port the OS hands out here may be one that another test's
        // sidecar still retries, so "contacted" is judged by what arrives: a logout this sidecar signed.
        await using var forbidden = await FakeApplication.StartAsync(The.ClientId);
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            TestEnvironment.Queued(settings);
            settings[$"{Client}:LogoutUrl"] = "http://${application.session.host}/logout";
            settings[$"{Client}:SessionHosts:0"] = HostOf(nodeA);
            settings[$"{Client}:SessionHosts:1"] = HostOf(nodeB);
            settings[$"{Client}:FallbackLogoutUrl"] = fallback.LogoutUrl;
        });
        Trust(env, nodeA, nodeB, fallback, forbidden);
        await ExchangeAsync(env, "session-on-a", HostOf(nodeA));
        await ExchangeAsync(env, "session-on-b", HostOf(nodeB));
        await ExchangeAsync(env, "session-on-forbidden-host", HostOf(forbidden));
        await ExchangeAsync(env, "session-without-host", host: null);

        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["session-on-a"], Assert.Single(nodeA.Received).AdapterSessionIds);
        Assert.Equal(["session-on-b"], Assert.Single(nodeB.Received).AdapterSessionIds);
        // The forbidden host was dropped at capture, so its id counts as captured without a host.
        Assert.Equal(["session-on-forbidden-host", "session-without-host"], Assert.Single(fallback.Received).AdapterSessionIds.Order(StringComparer.Ordinal));
        Assert.All(new[] { nodeA, nodeB, fallback }.SelectMany(a => a.Received), r => Assert.True(r.Valid, r.Error));
        Assert.DoesNotContain(forbidden.Received, r => r.Valid);
    }

    [Fact]
    public async Task Logout_HostRemovedFromAllowListAfterCapture_GetsNoLogout()
    {
        await using var nodeA = await FakeApplication.StartAsync(The.ClientId);
        await using var removed = await FakeApplication.StartAsync(The.ClientId);
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            TestEnvironment.Queued(settings);
            settings[$"{Client}:LogoutUrl"] = "http://${application.session.host}/logout";
            settings[$"{Client}:SessionHosts:0"] = HostOf(nodeA);
            settings[$"{Client}:SessionHosts:1"] = HostOf(removed);
        });
        await ExchangeAsync(env, "session-on-a", HostOf(nodeA));
        await ExchangeAsync(env, "session-on-removed-host", HostOf(removed));

        await env.RestartSidecarAsync(settings => settings.Remove($"{Client}:SessionHosts:1"));
        Trust(env, nodeA, removed);
        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);
        await Task.Delay(500);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["session-on-a"], Assert.Single(nodeA.Received).AdapterSessionIds);
        Assert.DoesNotContain(removed.Received, r => r.Valid);
    }

    private static string HostOf(FakeApplication app) => $"{app.BaseUrl.Host}:{app.BaseUrl.Port}";

    private static void Trust(TestEnvironment env, params FakeApplication[] apps)
    {
        foreach (var app in apps)
        {
            app.JwksAddress = new Uri(env.Client.BaseAddress!, ".well-known/jwks.json");
            app.ExpectedIssuer = env.Keycloak.Issuer;
        }
    }

    private static async Task ExchangeAsync(TestEnvironment env, string appSessionId, string? host)
    {
        using var response = await env.ExchangeCodeAsync(The.ClientId, appSessionId, host: host);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!condition())
        {
            await Task.Delay(50, cts.Token);
        }
    }
}
