using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// What the admin API answers about a logout it was asked for (the pipeline's outcome, named as everywhere else), and
/// that a store outage is a 503 ProblemDetails, never a 500 with an empty body.
/// </summary>
public sealed class AdminOutcomeTests
{
    private const string ApiKey = "admin-key-that-only-the-operator-knows";

    [Fact]
    public async Task Logout_TriggeredByHandInQueuedMode_AnswersQueuedAndTheApplicationGetsItLater()
    {
        await using var env = await StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        using var response = await SendAsync(env, HttpMethod.Post, "/admin/logouts", new { issuer = env.Keycloak.Issuer, clientId = The.ClientId, sid = The.Sid });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("queued", body.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(1, body.RootElement.GetProperty("appSessionCount").GetInt32());
        var received = await WaitForDeliveryAsync(env);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
    }

    [Fact]
    public async Task Logout_TriggeredByHandInSynchronousMode_AnswersDelivered()
    {
        await using var env = await StartAsync();
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        using var response = await SendAsync(env, HttpMethod.Post, "/admin/logouts", new { issuer = env.Keycloak.Issuer, clientId = The.ClientId, sid = The.Sid });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("delivered", body.RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Mappings_StoreDown_Returns503ProblemDetails()
    {
        await using var env = await StartAsync(services: FailingSessionStore.Install);

        using var response = await SendAsync(env, HttpMethod.Get,
            $"/admin/mappings?issuer={Uri.EscapeDataString(env.Keycloak.Issuer)}&clientId={The.ClientId}&sid={The.Sid}");

        await AssertStoreUnavailableAsync(response);
    }

    [Fact]
    public async Task DeadLetters_StoreDown_Returns503ProblemDetails()
    {
        await using var env = await StartAsync(services: FailingOutboxStore.Install);

        using var response = await SendAsync(env, HttpMethod.Get, "/admin/dead-letters");

        await AssertStoreUnavailableAsync(response);
    }

    [Fact]
    public async Task Logout_StoreDown_Returns503ProblemDetailsAndDeliversNothing()
    {
        await using var env = await StartAsync(services: FailingSessionStore.Install);

        using var response = await SendAsync(env, HttpMethod.Post, "/admin/logouts", new { issuer = env.Keycloak.Issuer, clientId = The.ClientId, sid = The.Sid });

        await AssertStoreUnavailableAsync(response);
        Assert.Empty(env.App.Received);
    }

    private static async Task AssertStoreUnavailableAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(503, body.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.RootElement.GetProperty("title").GetString()));
    }

    private static Task<TestEnvironment> StartAsync(Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null) =>
        TestEnvironment.StartAsync(settings =>
        {
            settings["LogoutEnricher:Admin:Enabled"] = "true";
            settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
            configure?.Invoke(settings);
        }, services);

    private static async Task<ReceivedLogout> WaitForDeliveryAsync(TestEnvironment env)
    {
        // Generous: the machine running the suite may be busy; the dispatcher polls every 200 ms here.
        await env.App.WaitForAsync(1, TimeSpan.FromSeconds(30));
        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        return received;
    }

    private static Task<HttpResponseMessage> SendAsync(TestEnvironment env, HttpMethod method, string url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", ApiKey);
        return env.Client.SendAsync(request);
    }
}
