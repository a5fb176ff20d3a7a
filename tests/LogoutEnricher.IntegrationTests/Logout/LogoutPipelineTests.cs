using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Logout;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>The one entrance every logout goes through, for logouts LogoutEnricher starts itself.</summary>
public sealed class LogoutPipelineTests
{
    [Fact]
    public async Task Pipeline_SessionGivenWithReason_DeliversAVerifiedEnrichedTokenNamingTheSessionAndForgetsIt()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        var store = env.Services.GetRequiredService<ProtectedSessionStore>();
        var key = new SessionKey(env.Keycloak.Issuer, The.ClientId, The.Sid);
        var mapping = await store.FindAsync(key);
        var client = env.Services.GetRequiredService<IssuerRegistry>().FindClient(env.Keycloak.Issuer, The.ClientId)!;

        var result = await env.Services.GetRequiredService<LogoutPipeline>().ProcessAsync(
            LogoutRequest.ForSessions(client, LogoutSource.Reconciliation, [mapping!], "expired", forgetWhenQueued: true), CancellationToken.None);
        // Forgotten as soon as queued, before the application has it.
        Assert.Null(await store.FindAsync(key));
        await env.App.WaitForAsync(1);
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);

        Assert.Equal((LogoutOutcome.Queued, 1, 1), (result.Outcome, result.AppSessionCount, result.Logouts));
        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
        Assert.Equal(The.Sid, received.Token.GetClaim("sid").Value);
        Assert.Equal(The.Subject, received.Token.Subject);
        Assert.Equal(env.Keycloak.Issuer, received.Token.Issuer);
        Assert.Equal("Logout", received.Token.GetClaim("typ").Value);
        Assert.Equal("expired", received.Token.GetClaim("logout_reason").Value);
        Assert.True(received.Token.TryGetPayloadValue<System.Text.Json.JsonElement>("events", out var events) && events.TryGetProperty(The.BackChannelLogoutEvent, out _));
    }

    [Fact]
    public async Task Pipeline_LogoutStartedBySidecar_IsAuditedWithItsSourceAndReason()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        var mapping = await env.Services.GetRequiredService<ProtectedSessionStore>().FindAsync(new SessionKey(env.Keycloak.Issuer, The.ClientId, The.Sid));
        var client = env.Services.GetRequiredService<IssuerRegistry>().FindClient(env.Keycloak.Issuer, The.ClientId)!;

        await env.Services.GetRequiredService<LogoutPipeline>().ProcessAsync(
            LogoutRequest.ForSessions(client, LogoutSource.Reconciliation, [mapping!], "user_disabled", forgetWhenQueued: true), CancellationToken.None);

        var audit = Assert.Single(env.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Logout {Outcome}", StringComparison.Ordinal));
        Assert.Equal("\"reconciliation\"", audit.Properties["Trigger"].ToString());
        Assert.Equal("\"user_disabled\"", audit.Properties["Reason"].ToString());
        Assert.Equal("\"queued\"", audit.Properties["Outcome"].ToString());
    }
}
