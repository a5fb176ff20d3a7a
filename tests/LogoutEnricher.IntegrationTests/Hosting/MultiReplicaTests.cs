using System.Net;
using System.Text.Json;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// Two LogoutEnricher replicas behind one load balancer, sharing one Redis or one PostgreSQL: whichever replica a
/// request reaches, it sees what the other stored.
/// </summary>
public sealed class MultiReplicaTests
{
    public static TheoryData<string> SharedBackends => ["Redis", "PostgreSql"];

    [Theory]
    [MemberData(nameof(SharedBackends))]
    public async Task Logout_CapturedByReplicaAThroughReplicaB_DeliversThatSessionsIds(string provider)
    {
        await using var backend = SharedBackend.Of(provider);
        await using var env = await TestEnvironment.StartAsync(backend.Configure);
        await using var replicaB = env.StartReplica(out var clientB);

        await env.LoginAsync(The.ClientId, The.AppSessionId);
        await env.LoginAsync(The.ClientId, The.OtherAppSessionId, sid: The.OtherSid);
        using var response = await SendLogoutAsync(clientB, env.Keycloak.LogoutToken().Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
    }

    [Theory]
    [MemberData(nameof(SharedBackends))]
    public async Task Jwks_BothReplicas_PublishTheSameKeys(string provider)
    {
        await using var backend = SharedBackend.Of(provider);
        await using var env = await TestEnvironment.StartAsync(backend.Configure);
        await using var replicaB = env.StartReplica(out var clientB);

        var kidsA = await KeyIdsAsync(env.Client);
        var kidsB = await KeyIdsAsync(clientB);

        Assert.NotEmpty(kidsA);
        Assert.Equal(kidsA, kidsB);
    }

    [Theory]
    [MemberData(nameof(SharedBackends))]
    public async Task Logout_TokenReplayedToTheOtherReplica_IsRejectedAsReplayed(string provider)
    {
        await using var backend = SharedBackend.Of(provider);
        await using var env = await TestEnvironment.StartAsync(backend.Configure);
        await using var replicaB = env.StartReplica(out var clientB);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        var token = env.Keycloak.LogoutToken().Sign();

        using var first = await env.SendLogoutAsync(token);
        using var replay = await SendLogoutAsync(clientB, token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await Responses.AssertRejectedAsync(replay, "Replayed");
        Assert.Single(env.App.Received);
    }

    private static Task<HttpResponseMessage> SendLogoutAsync(HttpClient client, string logoutToken) =>
        client.PostAsync("/backchannel-logout", new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", logoutToken)]));

    private static async Task<string[]> KeyIdsAsync(HttpClient client)
    {
        using var jwks = JsonDocument.Parse(await client.GetStringAsync("/.well-known/jwks.json"));
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).Order(StringComparer.Ordinal)];
    }
}
