using System.Net;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>Queued mode, the default: Keycloak gets 200 once the logout is durably queued; the dispatcher delivers.</summary>
public sealed class QueuedDeliveryTests
{
    [Fact]
    public async Task Logout_Queued_Answers200AndDeliversAVerifiedTokenThenForgetsTheMapping()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        await env.App.WaitForAsync(1);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
        Assert.Equal(The.Sid, received.Token.GetClaim("sid").Value);
        await WaitForEmptyOutboxAsync(env);
        Assert.Null(await env.Services.GetRequiredService<ProtectedSessionStore>().FindAsync(new SessionKey(env.Keycloak.Issuer, The.ClientId, The.Sid)));
    }

    [Fact]
    public async Task Logout_ApplicationDownFor20Seconds_KeycloakGets200AtOnceAndTheApplicationGetsTheTokenWhenBack()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        await env.App.StopAsync();

        // Note: "at once" is an order, not a duration (a bound of a second fails on a loaded machine): Keycloak has its
        // 200 while the application is still down and has received nothing, so the answer did not wait for delivery.
        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(env.App.Received);
        await Task.Delay(TimeSpan.FromSeconds(20));
        Assert.Empty(env.App.Received);
        await env.App.RestartAsync();
        await env.App.WaitForAsync(1, TimeSpan.FromSeconds(30));

        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
        await WaitForEmptyOutboxAsync(env);
    }

    [Fact]
    public async Task Logout_ApplicationAnswers400_IsDeadLetteredAfterOneAttemptWithoutRetry()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        env.App.StatusCode = 400;

        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        await env.App.WaitForAsync(1);
        // Note: ten times the largest backoff of the test settings: a retry would have come by now.
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(env.App.Received);
        var outbox = env.Services.GetRequiredService<IOutboxStore>();
        Assert.Equal(new OutboxCounts(0, 1), await outbox.CountAsync());
        var dead = Assert.Single(await outbox.ListDeadLettersAsync(10));
        Assert.Equal(("HTTP 400", 1, The.ClientId), (dead.Reason, dead.Entry.Attempts, dead.Entry.ClientId));
        Assert.DoesNotContain(The.AppSessionId, dead.Entry.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_ApplicationAnswers503WithRetryAfter_TheRetryWaitsForItThenDelivers()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);

        using var response = await LogoutRefusedOnceWithRetryAfterAsync(env, 2);
        await env.App.WaitForAsync(2);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var attempts = env.App.Received.ToArray();
        var gap = attempts[1].At - attempts[0].At;
        Assert.True(gap >= TimeSpan.FromSeconds(2), $"the retry came after {gap}, before Retry-After: 2");
        Assert.NotEqual(attempts[0].Token.Id, attempts[1].Token.Id);
        Assert.Equal([The.AppSessionId], attempts[1].AdapterSessionIds);
        await WaitForEmptyOutboxAsync(env);
    }

    [Fact]
    public async Task Logout_ApplicationAsksToRetryAfterMaxAge_OneLastAttemptWhenMaxAgeEndsNotADeadLetterAtOnce()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            TestEnvironment.Queued(settings);
            settings["LogoutEnricher:Delivery:MaxAge"] = "00:00:03";
        });

        using var response = await LogoutRefusedOnceWithRetryAfterAsync(env, 3600);
        await env.App.WaitForAsync(2, TimeSpan.FromSeconds(15));
        await WaitForEmptyOutboxAsync(env);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([The.AppSessionId], env.App.Received.ToArray()[1].AdapterSessionIds);
        Assert.Empty(await env.Services.GetRequiredService<IOutboxStore>().ListDeadLettersAsync(10));
    }

    [Fact]
    public async Task Logout_OutboxUnavailable_Returns400TemporarilyUnavailableAndDoesNotRecordTheJti()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued, FailingOutboxStore.Install);
        var token = env.Keycloak.LogoutToken();

        using var response = await env.SendLogoutAsync(token.Sign());

        await Responses.AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "temporarily_unavailable");
        var replay = env.Services.GetRequiredService<IReplayCache>();
        Assert.False(await replay.ContainsAsync(env.Keycloak.Issuer, token.Claims["jti"]!.GetValue<string>()));
        Assert.Empty(env.App.Received);
    }

    /// <summary>
    /// Logs in, then sends the logout while the application answers 503 with <c>Retry-After</c>; once that first attempt
    /// arrived, the application accepts again. Returns Keycloak's answer.
    /// </summary>
    private static async Task<HttpResponseMessage> LogoutRefusedOnceWithRetryAfterAsync(TestEnvironment env, int retryAfterSeconds)
    {
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        env.App.StatusCode = 503;
        env.App.RetryAfterSeconds = retryAfterSeconds;

        var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        await env.App.WaitForAsync(1);
        env.App.StatusCode = 200;
        return response;
    }

    internal static async Task WaitForEmptyOutboxAsync(TestEnvironment env)
    {
        var outbox = env.Services.GetRequiredService<IOutboxStore>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while ((await outbox.CountAsync(cts.Token)).Pending > 0)
        {
            await Task.Delay(50, cts.Token);
        }
    }
}
