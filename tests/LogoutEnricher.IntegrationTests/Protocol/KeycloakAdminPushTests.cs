using System.Net;
using System.Text.Json;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>Keycloak's Admin URL pushes (sign-out-all, push-revocation) reach every captured session.</summary>
public sealed class KeycloakAdminPushTests
{
    private static readonly string LogoutPath = $"/keycloak-admin/{The.ClientId}/k_logout";
    private static readonly string PushNotBeforePath = $"/keycloak-admin/{The.ClientId}/k_push_not_before";

    [Fact]
    public async Task SignOutAll_ThreeCapturedSessions_Answers200AndDeliversOneTokenPerSessionOfThatClientOnly()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId, The.Subject, The.Sid);
        await env.LoginAsync(The.ClientId, The.SecondAppSessionId, The.Subject, The.Sid);
        await env.LoginAsync(The.ClientId, The.OtherAppSessionId, The.OtherSubject, The.OtherSid);
        await env.LoginAsync(The.OtherClientId, "other-client-session", The.Subject, The.Sid);
        await Task.Delay(1100);

        using var response = await FakeKeycloak.PushAsync(env.Client, LogoutPath, env.Keycloak.LogoutAction(The.ClientId, NowSeconds()).Sign());
        await env.App.WaitForAsync(2);
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(env.App.Received, r => Assert.True(r.Valid, r.Error));
        var bySid = env.App.Received.ToDictionary(r => r.Token.GetClaim("sid").Value, r => r);
        Assert.Equal([The.AppSessionId, The.SecondAppSessionId], bySid[The.Sid].AdapterSessionIds.Order(StringComparer.Ordinal));
        Assert.Equal([The.OtherAppSessionId], bySid[The.OtherSid].AdapterSessionIds);
        Assert.Equal(The.OtherSubject, bySid[The.OtherSid].Token.Subject);
        Assert.Equal(env.Keycloak.Issuer, bySid[The.Sid].Token.Issuer);
        Assert.Equal(2, env.App.Received.Count);
        Assert.Empty(env.OtherApp.Received);
        var sessions = env.Services.GetRequiredService<ProtectedSessionStore>();
        Assert.Null(await sessions.FindAsync(new SessionKey(env.Keycloak.Issuer, The.ClientId, The.Sid)));
        Assert.NotNull(await sessions.FindAsync(new SessionKey(env.Keycloak.Issuer, The.OtherClientId, The.Sid)));
        var job = Assert.Single(await env.Services.GetRequiredService<IFanOutJobStore>().ListAsync(10));
        Assert.Equal((FanOutJobState.Done, 3L), (job.State, job.Sessions));
    }

    [Fact]
    public async Task PushNotBefore_EndsSessionsCapturedBeforeItsNotBeforeAndKeepsLaterOnes()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId, The.Subject, The.Sid);
        var notBefore = await NextSecondAsync();
        await env.LoginAsync(The.ClientId, The.OtherAppSessionId, The.OtherSubject, The.OtherSid);

        using var response = await FakeKeycloak.PushAsync(env.Client, PushNotBeforePath, env.Keycloak.PushNotBeforeAction(The.ClientId, notBefore).Sign());
        await WaitForJobsDoneAsync(env, 1);
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal(The.Sid, received.Token.GetClaim("sid").Value);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
        Assert.NotNull(await env.Services.GetRequiredService<ProtectedSessionStore>().FindAsync(new SessionKey(env.Keycloak.Issuer, The.ClientId, The.OtherSid)));
    }

    [Fact]
    public async Task PerSessionLogoutAction_WithKeycloakSessionIds_EndsThatSessionOnly()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId, The.Subject, The.Sid);
        await env.LoginAsync(The.ClientId, The.OtherAppSessionId, The.OtherSubject, The.OtherSid);

        using var response = await FakeKeycloak.PushAsync(env.Client, LogoutPath,
            env.Keycloak.LogoutAction(The.ClientId, 0, keycloakSessionIds: [The.Sid], adapterSessionIds: [The.AppSessionId]).Sign());
        await env.App.WaitForAsync(1);
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(env.App.Received);
        Assert.Equal(The.Sid, received.Token.GetClaim("sid").Value);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
    }

    [Fact]
    public async Task PerSessionLogoutAction_SidNeverCaptured_DeliversTheIdsKeycloakNamed()
    {
        // Keycloak alone would have ended that session: its own adapterSessionIds must not be dropped.
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);

        using var response = await FakeKeycloak.PushAsync(env.Client, LogoutPath,
            env.Keycloak.LogoutAction(The.ClientId, 0, keycloakSessionIds: [The.Sid], adapterSessionIds: [The.AppSessionId]).Sign());
        await env.App.WaitForAsync(1);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal(The.Sid, received.Token.GetClaim("sid").Value);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
    }

    [Fact]
    public async Task PerSessionLogoutAction_KeycloakNamesAnIdNotCaptured_DeliversCapturedAndKeycloaksIdsOnce()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId, The.Subject, The.Sid);

        using var response = await FakeKeycloak.PushAsync(env.Client, LogoutPath,
            env.Keycloak.LogoutAction(The.ClientId, 0, keycloakSessionIds: [The.Sid], adapterSessionIds: [The.AppSessionId, The.SecondAppSessionId]).Sign());
        await env.App.WaitForAsync(1);
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(env.App.Received);
        Assert.Equal([The.AppSessionId, The.SecondAppSessionId], received.AdapterSessionIds.Order(StringComparer.Ordinal));
        Assert.Null(await env.Services.GetRequiredService<ProtectedSessionStore>().FindAsync(new SessionKey(env.Keycloak.Issuer, The.ClientId, The.Sid)));
    }

    [Fact]
    public async Task PerSessionLogoutAction_TwentyConcurrentCopies_IsActedOnOnce()
    {
        // The pipeline claims the action id atomically: of copies arriving together, one is queued, the rest are replays.
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId, The.Subject, The.Sid);
        await env.LoginAsync(The.ClientId, The.OtherAppSessionId, The.OtherSubject, The.OtherSid);
        var action = env.Keycloak.LogoutAction(The.ClientId, 0, keycloakSessionIds: [The.Sid, The.OtherSid]).Sign();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => FakeKeycloak.PushAsync(env.Client, LogoutPath, action)));
        await env.App.WaitForAsync(2);
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);
        await Task.Delay(500);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, env.App.Received.Count);
        Assert.Equal(new[] { The.Sid, The.OtherSid }.Order(StringComparer.Ordinal), env.App.Received.Select(r => r.Token.GetClaim("sid").Value).Order(StringComparer.Ordinal));
        var audits = env.Logs.Events.Where(e => e.MessageTemplate.Text.StartsWith("Logout {Outcome}", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, audits.Count);
        Assert.All(audits, a => Assert.Equal("\"admin_url_action\"", a.Properties["Trigger"].ToString()));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task SignOutAll_SameActionTwice_TheReplayIsIgnored()
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        await Task.Delay(1100);
        var action = env.Keycloak.LogoutAction(The.ClientId, NowSeconds()).Sign();

        using var first = await FakeKeycloak.PushAsync(env.Client, LogoutPath, action);
        await env.App.WaitForAsync(1);
        await QueuedDeliveryTests.WaitForEmptyOutboxAsync(env);
        await env.LoginAsync(The.ClientId, The.SecondAppSessionId, The.Subject, The.OtherSid);
        using var replay = await FakeKeycloak.PushAsync(env.Client, LogoutPath, action);
        await Task.Delay(1500);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, replay.StatusCode));
        Assert.Single(env.App.Received);
        Assert.Single(await env.Services.GetRequiredService<IFanOutJobStore>().ListAsync(10));
    }

    public static TheoryData<string> Rejections =>
        ["WrongKey", "UnknownKid", "Expired", "ExpirationNotANumber", "NotBeforeNotANumber", "OtherResource", "WrongAction", "HS256", "NotTextPlain", "UnknownClient"];

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Push_Invalid_IsRejectedWithItsReasonAndEndsNothing(string variant)
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        await Task.Delay(1100);
        var builder = env.Keycloak.LogoutAction(The.ClientId, NowSeconds());
        var (path, contentType, expectedStatus, expectedReason) = (LogoutPath, FakeKeycloak.PushContentType, HttpStatusCode.BadRequest, "");
        string jws;
        switch (variant)
        {
            case "WrongKey":
                using (var other = System.Security.Cryptography.RSA.Create(2048))
                {
                    jws = builder.Sign(other);
                }

                (expectedStatus, expectedReason) = (HttpStatusCode.Unauthorized, "InvalidSignature");
                break;
            case "UnknownKid":
                using (var other = System.Security.Cryptography.RSA.Create(2048))
                {
                    jws = builder.Sign(other, "attacker-kid");
                }

                (expectedStatus, expectedReason) = (HttpStatusCode.Unauthorized, "UnknownKey");
                break;
            case "Expired":
                builder.Claims["expiration"] = NowSeconds() - 60;
                (jws, expectedReason) = (builder.Sign(), "Expired");
                break;
            case "ExpirationNotANumber":
                builder.Claims["expiration"] = "soon";
                (jws, expectedReason) = (builder.Sign(), "Expired");
                break;
            case "NotBeforeNotANumber":
                builder.Claims["notBefore"] = "x";
                (jws, expectedReason) = (builder.Sign(), "MalformedAction");
                break;
            case "OtherResource":
                builder.Claims["resource"] = The.OtherClientId;
                (jws, expectedReason) = (builder.Sign(), "ResourceMismatch");
                break;
            case "WrongAction":
                (jws, path, expectedReason) = (builder.Sign(), PushNotBeforePath, "ActionMismatch");
                break;
            case "HS256":
                (jws, expectedStatus, expectedReason) = (builder.SignHs256(new byte[32]), HttpStatusCode.Unauthorized, "AlgorithmNotAllowed");
                break;
            case "NotTextPlain":
                (jws, contentType, expectedReason) = (builder.Sign(), "application/json", "UnsupportedContentType");
                break;
            default:
                (jws, path, expectedReason) = (builder.Sign(), $"/keycloak-admin/{The.UnconfiguredClientId}/k_logout", "UnknownClient");
                break;
        }

        using var response = await FakeKeycloak.PushAsync(env.Client, path, jws, contentType);
        await Task.Delay(1000);

        Assert.Equal(expectedStatus, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith(expectedReason + ":", body.RootElement.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.Empty(await env.Services.GetRequiredService<IFanOutJobStore>().ListAsync(10));
        Assert.Empty(env.App.Received);
        Assert.NotNull(await env.Services.GetRequiredService<ProtectedSessionStore>().FindAsync(new SessionKey(env.Keycloak.Issuer, The.ClientId, The.Sid)));
    }

    [Theory]
    [InlineData(253402300790L)]
    [InlineData(253402300799L)]
    [InlineData(253402300800L)]
    [InlineData(long.MaxValue)]
    [InlineData(32503680001L)]
    public async Task Push_ExpirationNearOrPastTheYear9999_Answers400WithAnOAuthErrorBodyNot500(long expiration)
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);
        var builder = env.Keycloak.LogoutAction(The.ClientId, NowSeconds());
        builder.Claims["expiration"] = expiration;

        using var response = await FakeKeycloak.PushAsync(env.Client, LogoutPath, builder.Sign());

        var description = await Responses.AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.StartsWith("MalformedAction:", description, StringComparison.Ordinal);
        Assert.Empty(await env.Services.GetRequiredService<IFanOutJobStore>().ListAsync(10));
    }

    [Fact]
    public async Task Push_IssuerKeysCannotBeRead_Answers400TemporarilyUnavailableNot500()
    {
        // Anyone can POST here; with the provider unreachable the action can be neither trusted nor refused.
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            TestEnvironment.Queued(settings);
            settings["LogoutEnricher:Issuers:demo:MetadataAddress"] = "http://127.0.0.1:9/.well-known/openid-configuration";
        });

        using var response = await FakeKeycloak.PushAsync(env.Client, LogoutPath, env.Keycloak.LogoutAction(The.ClientId, NowSeconds()).Sign());

        await Responses.AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "temporarily_unavailable");
        Assert.Empty(await env.Services.GetRequiredService<IFanOutJobStore>().ListAsync(10));
    }

    [Theory]
    [InlineData("ffffffffffffffffff\r\nabc\r\n0\r\n\r\n")]
    [InlineData("zz\r\nabc\r\n0\r\n\r\n")]
    public async Task Push_BrokenChunkedBody_Answers400WithAnOAuthErrorBody(string body)
    {
        await using var env = await TestEnvironment.StartAsync(TestEnvironment.Queued);

        var response = await RawHttp.SendAsync(env.Client.BaseAddress!,
            $"POST {LogoutPath} HTTP/1.1\r\nHost: sidecar.test\r\nContent-Type: {FakeKeycloak.PushContentType}\r\nTransfer-Encoding: chunked",
            RawHttp.Text(body));

        Assert.NotNull(response);
        Assert.True(response.Status == 400, $"{response.Status} {response.Body}");
        Assert.Contains("MalformedRequest:", response.Body, StringComparison.Ordinal);
        // Note: the raw body may be chunked, so it is searched, not parsed.
        Assert.Contains("\"error\":\"invalid_request\"", response.Body, StringComparison.Ordinal);
    }

    internal static long NowSeconds() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>Waits into the next whole second and returns it, so sessions captured before and after are on either side.</summary>
    internal static async Task<long> NextSecondAsync()
    {
        var next = NowSeconds() + 1;
        await Task.Delay(DateTimeOffset.FromUnixTimeSeconds(next) - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(50));
        return next;
    }

    internal static async Task WaitForJobsDoneAsync(TestEnvironment env, int count)
    {
        var jobs = env.Services.GetRequiredService<IFanOutJobStore>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await jobs.CountAsync(cts.Token)).Done < count)
        {
            await Task.Delay(50, cts.Token);
        }
    }
}
