using System.Net;
using System.Text.Json;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

public sealed class CaptureAndLogoutTests : IAsyncLifetime
{
    private TestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await TestEnvironment.StartAsync();

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task Logout_AfterCodeGrantWithClientSessionState_DeliversVerifiableTokenNamingThatSession()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);
        var original = _env.Keycloak.LogoutToken();

        using var response = await _env.SendLogoutAsync(original.Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var received = Assert.Single(_env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
        var token = received.Token;
        Assert.Equal(The.Sid, token.GetClaim("sid").Value);
        Assert.Equal(The.Subject, token.Subject);
        Assert.Equal(_env.Keycloak.Issuer, token.Issuer);
        Assert.Equal([The.ClientId], token.Audiences);
        Assert.Equal("Logout", token.GetClaim("typ").Value);
        Assert.Equal("logout+jwt", token.Typ);
        Assert.True(token.TryGetPayloadValue<JsonElement>("events", out var events));
        Assert.Equal(JsonValueKind.Object, events.GetProperty(The.BackChannelLogoutEvent).ValueKind);
        Assert.NotEqual(original.Claims["jti"]!.GetValue<string>(), token.Id);
        Assert.Empty(_env.OtherApp.Received);
    }

    [Fact]
    public async Task TokenRequest_ThroughSidecar_ReachesKeycloakUnchangedAndAnswersWithKeycloaksResponse()
    {
        using var response = await _env.ExchangeCodeAsync(The.ClientId, The.AppSessionId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(_env.Keycloak.TokenRequests);
        Assert.Equal(The.AppSessionId, forwarded["client_session_state"]);
        Assert.Equal("authorization_code", forwarded["grant_type"]);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(The.Sid, body.RootElement.GetProperty("session_state").GetString());
        Assert.Equal(1800, body.RootElement.GetProperty("refresh_expires_in").GetInt32());
    }

    [Fact]
    public async Task Logout_AfterChunkedTokenRequest_DeliversThatSession()
    {
        using var exchange = await _env.ExchangeCodeAsync(The.ClientId, The.AppSessionId, chunked: true);
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        Assert.Equal(The.AppSessionId, Assert.Single(_env.Keycloak.TokenRequests)["client_session_state"]);

        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([The.AppSessionId], Assert.Single(_env.App.Received).AdapterSessionIds);
    }

    [Fact]
    public async Task Logout_AfterRefreshWithSecondSessionId_DeliversBothIds()
    {
        var refreshToken = await _env.LoginAsync(The.ClientId, The.AppSessionId);
        using (var refresh = await _env.RefreshAsync(The.ClientId, refreshToken, The.SecondAppSessionId))
        {
            Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        }

        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_env.App.Received);
        Assert.Equal([The.AppSessionId, The.SecondAppSessionId], received.AdapterSessionIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Logout_TwoClientsOfOneSsoSession_EachReceivesOnlyItsOwnIds()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);
        await _env.LoginAsync(The.OtherClientId, The.OtherAppSessionId);

        using var first = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken(The.ClientId).Sign());
        using var second = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken(The.OtherClientId).Sign());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal([The.AppSessionId], Assert.Single(_env.App.Received).AdapterSessionIds);
        Assert.Equal([The.OtherAppSessionId], Assert.Single(_env.OtherApp.Received).AdapterSessionIds);
    }

    [Fact]
    public async Task Logout_TokenWithOnlySub_DeliversEveryIdOfThatUserAtThatClient()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId, The.Subject, The.Sid);
        await _env.LoginAsync(The.ClientId, The.SecondAppSessionId, The.Subject, The.OtherSid);
        await _env.LoginAsync(The.ClientId, "someone-elses-session", The.OtherSubject, "sid-of-another-user");
        await _env.LoginAsync(The.OtherClientId, The.OtherAppSessionId, The.Subject, The.Sid);

        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken(sid: null).Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal([The.AppSessionId, The.SecondAppSessionId], received.AdapterSessionIds.Order(StringComparer.Ordinal));
        Assert.False(received.Token.TryGetClaim("sid", out _));
    }

    [Fact]
    public async Task Logout_UnmappedSid_DeliversEmptyListAndAnswers200()
    {
        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken(sid: "never-captured").Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Empty(received.AdapterSessionIds);
    }

    [Fact]
    public async Task Logout_Delivered_RemovesTheMappingSoALaterLogoutNamesNothing()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);
        using var first = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().Sign());

        using var second = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().Sign());

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal([[The.AppSessionId], []], _env.App.Received.Select(r => r.AdapterSessionIds));
        var store = _env.Services.GetRequiredService<ProtectedSessionStore>();
        Assert.Null(await store.FindAsync(new SessionKey(_env.Keycloak.Issuer, The.ClientId, The.Sid)));
    }

    [Fact]
    public async Task TokenRequest_ForUnconfiguredClient_PassesThroughAndRecordsNothing()
    {
        using var response = await _env.ExchangeCodeAsync(The.UnconfiguredClientId, The.AppSessionId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var store = _env.Services.GetRequiredService<ProtectedSessionStore>();
        Assert.Null(await store.FindAsync(new SessionKey(_env.Keycloak.Issuer, The.UnconfiguredClientId, The.Sid)));
        Assert.Empty(await store.FindBySubjectAsync(_env.Keycloak.Issuer, The.UnconfiguredClientId, The.Subject));
    }

    [Fact]
    public async Task TokenRequest_Captured_StoresTheSessionIdEncryptedNeverInClear()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);

        var mapping = await _env.Services.GetRequiredService<ProtectedSessionStore>().FindAsync(new SessionKey(_env.Keycloak.Issuer, The.ClientId, The.Sid));

        var session = Assert.Single(mapping!.AppSessions);
        Assert.DoesNotContain(The.AppSessionId, session.ProtectedId, StringComparison.Ordinal);
        Assert.DoesNotContain(The.AppSessionId, session.Handle, StringComparison.Ordinal);
        Assert.Equal(The.Subject, mapping.Subject);
        var database = await File.ReadAllBytesAsync(Path.Combine(_env.DataDirectory, "logoutenricher.db"));
        Assert.Equal(-1, database.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(The.AppSessionId)));
    }

    [Fact]
    public async Task Logout_KeycloakBefore25WithHeaderTypJwt_IsAccepted()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);

        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().With(t => t.Header["typ"] = "JWT").Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([The.AppSessionId], Assert.Single(_env.App.Received).AdapterSessionIds);
    }

    [Fact]
    public async Task Logout_AudienceAsArrayWithOneConfiguredClient_IsDeliveredToThatClient()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);

        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken()
            .With(t => t.Claims["aud"] = new System.Text.Json.Nodes.JsonArray("account", The.ClientId)).Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([The.AppSessionId], Assert.Single(_env.App.Received).AdapterSessionIds);
    }

    [Fact]
    public async Task Logout_ToClientPathMatchingAudience_IsDelivered()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);

        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().Sign(), $"/backchannel-logout/{The.ClientId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([The.AppSessionId], Assert.Single(_env.App.Received).AdapterSessionIds);
    }

    [Fact]
    public async Task Logout_UnknownClaims_TravelToTheApplication()
    {
        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().With(t =>
        {
            t.Claims["custom"] = new System.Text.Json.Nodes.JsonObject { ["nested"] = 1 };
            t.Claims["events"]!["revoke_offline_access"] = true;
        }).Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = Assert.Single(_env.App.Received).Token;
        Assert.True(token.TryGetPayloadValue<JsonElement>("custom", out var custom));
        Assert.Equal(1, custom.GetProperty("nested").GetInt32());
        Assert.True(token.TryGetPayloadValue<JsonElement>("events", out var events));
        Assert.True(events.GetProperty("revoke_offline_access").GetBoolean());
    }
}
