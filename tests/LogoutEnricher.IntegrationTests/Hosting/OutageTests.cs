using System.Net;
using System.Text.Json;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// The shared backend goes away while LogoutEnricher runs, then comes back: every path says so clearly meanwhile, and
/// recovers by itself, without a restart of LogoutEnricher.
/// </summary>
public sealed class OutageTests
{
    public static TheoryData<string> SharedBackends => ["Redis", "PostgreSql"];

    [Theory]
    [MemberData(nameof(SharedBackends))]
    public async Task Backend_StoppedThenStarted_FailsClearlyThenRecoversWithoutRestart(string provider)
    {
        await using var server = await PrivateServer.StartAsync(provider);
        await using var backend = SharedBackend.On(provider, server.Connection);
        await using var env = await TestEnvironment.StartAsync(backend.Configure);
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        await server.StopAsync();

        using (var capture = await env.ExchangeCodeAsync(The.ClientId, The.SecondAppSessionId))
        {
            // Capture:FailurePolicy is Reject (the default): no tokens without a stored mapping.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, capture.StatusCode);
            var body = await capture.Content.ReadAsStringAsync();
            Assert.Equal("temporarily_unavailable", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
            Assert.DoesNotContain("access_token", body, StringComparison.Ordinal);
        }

        using (var logout = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign()))
        {
            await Responses.AssertOAuthErrorAsync(logout, HttpStatusCode.BadRequest, "temporarily_unavailable");
        }

        using (var ready = await env.Client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        await server.StartAsync();
        await WaitUntilReadyAsync(env.Client);

        await env.LoginAsync(The.ClientId, The.SecondAppSessionId);
        using var recovered = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal([The.AppSessionId, The.SecondAppSessionId], received.AdapterSessionIds.Order(StringComparer.Ordinal));
    }

    private static async Task WaitUntilReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var ready = await client.GetAsync("/health/ready");
            if (ready.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "LogoutEnricher did not become ready within 30 s of the backend's return.");
            await Task.Delay(200);
        }
    }
}
