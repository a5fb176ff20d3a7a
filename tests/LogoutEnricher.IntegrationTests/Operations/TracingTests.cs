using System.Net;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// Traces of both paths are linked end to end: the caller's trace continues through LogoutEnricher into the request it
/// makes, under a span of LogoutEnricher's own (W3C Trace Context).
/// </summary>
public sealed class TracingTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string CallerSpanId = "00f067aa0ba902b7";
    private const string Traceparent = $"00-{TraceId}-{CallerSpanId}-01";

    [Fact]
    public async Task Logout_WithTraceparent_DeliveryToTheApplicationContinuesTheSameTrace()
    {
        await using var env = await TestEnvironment.StartAsync();
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/backchannel-logout")
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", env.Keycloak.LogoutToken().Sign())]),
        };
        request.Headers.Add("traceparent", Traceparent);

        using var response = await SendAsIsAsync(env, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertContinues(Assert.Single(env.App.Traceparents));
    }

    [Fact]
    public async Task TokenRequest_WithTraceparent_ForwardedRequestContinuesTheSameTrace()
    {
        await using var env = await TestEnvironment.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/realms/{The.Realm}/protocol/openid-connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = env.Keycloak.IssueCode(The.ClientId),
                ["client_id"] = The.ClientId,
                ["client_session_state"] = The.AppSessionId,
            }),
        };
        request.Headers.Add("traceparent", Traceparent);

        using var response = await SendAsIsAsync(env, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertContinues(Assert.Single(env.Keycloak.TokenRequestTraceparents));
    }

    /// <summary>
    /// Sends with a client that injects no trace headers of its own: the test runs in the sidecar's process, whose
    /// HttpClient instrumentation would otherwise replace the caller's traceparent.
    /// </summary>
    private static async Task<HttpResponseMessage> SendAsIsAsync(TestEnvironment env, HttpRequestMessage request)
    {
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = env.Client.BaseAddress };
        return await client.SendAsync(request);
    }

    /// <summary>Same trace id as the caller's, but a parent span of LogoutEnricher's own, not the caller's.</summary>
    private static void AssertContinues(string traceparent)
    {
        var parts = traceparent.Split('-');
        Assert.Equal(4, parts.Length);
        Assert.Equal(TraceId, parts[1]);
        Assert.NotEqual(CallerSpanId, parts[2]);
        Assert.Matches("^[0-9a-f]{16}$", parts[2]);
    }
}
