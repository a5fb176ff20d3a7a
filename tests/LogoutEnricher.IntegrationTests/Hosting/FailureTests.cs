using System.Net;
using System.Text.Json;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests;

public sealed class FailureTests
{
    [Fact]
    public async Task Logout_ApplicationAnswers500_Returns400DeliveryFailedAndAResendSucceedsOnceItRecovers()
    {
        await using var env = await TestEnvironment.StartAsync();
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        var token = env.Keycloak.LogoutToken().Sign();
        env.App.StatusCode = 500;

        using var failed = await env.SendLogoutAsync(token);
        env.App.StatusCode = 200;
        using var resent = await env.SendLogoutAsync(token);

        var description = await Responses.AssertOAuthErrorAsync(failed, HttpStatusCode.BadRequest, "delivery_failed");
        Assert.Contains("500", description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.All(env.App.Received, r => Assert.Equal([The.AppSessionId], r.AdapterSessionIds));
        Assert.Equal(2, env.App.Received.Count);
    }

    [Fact]
    public async Task Logout_ApplicationUnreachable_Returns400DeliveryFailedAndAResendSucceedsOnceItIsBack()
    {
        await using var env = await TestEnvironment.StartAsync();
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        var token = env.Keycloak.LogoutToken().Sign();
        await env.App.StopAsync();

        using var failed = await env.SendLogoutAsync(token);
        await env.App.RestartAsync();
        using var resent = await env.SendLogoutAsync(token);

        await Responses.AssertOAuthErrorAsync(failed, HttpStatusCode.BadRequest, "delivery_failed");
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.Equal([The.AppSessionId], Assert.Single(env.App.Received).AdapterSessionIds);
    }

    [Fact]
    public async Task TokenRequest_KeycloakDown_Returns502WithOAuthError()
    {
        await using var env = await TestEnvironment.StartAsync(settings => settings["LogoutEnricher:Upstream:BaseUrl"] = "http://127.0.0.1:9/");

        using var response = await env.ExchangeCodeAsync(The.ClientId, The.AppSessionId);

        await Responses.AssertOAuthErrorAsync(response, HttpStatusCode.BadGateway, "temporarily_unavailable");
    }

    [Fact]
    public async Task TokenRequest_StoreFailsUnderReject_Returns503AndWithholdsTheTokens()
    {
        await using var env = await TestEnvironment.StartAsync(services: FailingSessionStore.Install);

        using var response = await env.ExchangeCodeAsync(The.ClientId, The.AppSessionId);

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("temporarily_unavailable", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain("access_token", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRequest_StoreFailsUnderAllow_ReturnsTheTokens()
    {
        await using var env = await TestEnvironment.StartAsync(
            settings => settings["LogoutEnricher:Capture:FailurePolicy"] = "Allow",
            FailingSessionStore.Install);

        using var response = await env.ExchangeCodeAsync(The.ClientId, The.AppSessionId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task Logout_DatabaseLockedByAnotherConnection_Answers400TemporarilyUnavailableWithinTheRequestBudgetNotTheBusyTimeout()
    {
        // A busy timeout of a minute: only the request's budget (Storage:RequestWaitLimit, 2 s by default) can answer
        // Keycloak in time; before it, two full busy waits made a 5 s busy timeout a 10 s answer.
        await using var env = await TestEnvironment.StartAsync(settings => settings["LogoutEnricher:Storage:Sqlite:BusyTimeout"] = "00:01:00");
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        await using var other = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(env.DataDirectory, "logoutenricher.db"),
            Pooling = false,
        }.ToString());
        await other.OpenAsync();
        await using (var exclusive = other.CreateCommand())
        {
            exclusive.CommandText = "BEGIN EXCLUSIVE;";
            await exclusive.ExecuteNonQueryAsync();
        }

        // Note: a generous bound, half the busy timeout: the budget answers in about 2 s even on a loaded machine.
        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign()).WaitAsync(TimeSpan.FromSeconds(30));

        await Responses.AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "temporarily_unavailable");
        Assert.Empty(env.App.Received);
        await using (var rollback = other.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        // Once the lock is gone, a logout goes through again.
        using var retry = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
    }

    [Fact]
    public async Task Logout_StoreDown_Returns400TemporarilyUnavailableAndDeliversNothing()
    {
        await using var env = await TestEnvironment.StartAsync(services: FailingSessionStore.Install);

        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());

        await Responses.AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "temporarily_unavailable");
        Assert.Empty(env.App.Received);
        var logged = Assert.Single(env.Logs.Events, e => e.MessageTemplate.Text.StartsWith("The store failed", StringComparison.Ordinal));
        Assert.Equal(FailingSessionStore.Cause, Assert.IsType<ScalarValue>(logged.Properties["Cause"]).Value);
    }
}
