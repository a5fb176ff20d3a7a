using LogoutEnricher.Delivery;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Providers;
using LogoutEnricher.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>The entry point for logouts LogoutEnricher starts itself, with no incoming logout token.</summary>
public sealed class CapturedSessionLogoutTests
{
    [Fact]
    public async Task EnqueueCapturedSession_WithExtraClaim_DeliversAVerifiedEnrichedTokenNamingTheSessionAndForgetsIt()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        var store = env.Services.GetRequiredService<ISessionStore>();
        var key = new SessionKey(env.Keycloak.Issuer, The.ClientId, The.Sid);
        var mapping = await store.FindAsync(key);
        var client = env.Services.GetRequiredService<IssuerRegistry>().FindClient(env.Keycloak.Issuer, The.ClientId)!;

        var count = await env.Services.GetRequiredService<CapturedSessionLogouts>()
            .EnqueueAsync(client, [mapping!], new Dictionary<string, string> { ["logout_reason"] = "expired" }, CancellationToken.None);
        await env.App.WaitForAsync(1);
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);

        Assert.Equal(1, count);
        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
        Assert.Equal(The.Sid, received.Token.GetClaim("sid").Value);
        Assert.Equal(The.Subject, received.Token.Subject);
        Assert.Equal(env.Keycloak.Issuer, received.Token.Issuer);
        Assert.Equal("expired", received.Token.GetClaim("logout_reason").Value);
        Assert.True(received.Token.TryGetPayloadValue<System.Text.Json.JsonElement>("events", out var events) && events.TryGetProperty(The.BackChannelLogoutEvent, out _));
        Assert.Null(await store.FindAsync(key));
    }
}
