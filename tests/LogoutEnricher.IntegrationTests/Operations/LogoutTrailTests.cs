using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Http;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// The durable logout trail, as the admin API answers "did this user's logout reach that application, when, after how
/// many attempts": written for every logout and attempt, in the store, kept across a restart and shared by replicas.
/// </summary>
public sealed class LogoutTrailTests
{
    private const string ApiKey = "trail-key-that-only-the-operator-knows";

    public static TheoryData<string> SharedBackends => ["Redis", "PostgreSql"];

    private static void Admin(Dictionary<string, string?> settings)
    {
        settings["LogoutEnricher:Admin:Enabled"] = "true";
        settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
    }

    [Fact]
    public async Task Trail_QueuedLogoutRefusedOnceThenDelivered_HasTwoAttemptsAcceptedAtAndDeliveredAt()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            TestEnvironment.Queued(settings);
            Admin(settings);
        });
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        env.App.StatusCode = StatusCodes.Status503ServiceUnavailable;
        using var logout = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        await env.App.WaitForAsync(1);
        env.App.StatusCode = StatusCodes.Status200OK;
        await env.App.WaitUntilAsync(a => a.Received.Count(r => r.Valid) == 2, TimeSpan.FromSeconds(15));

        var item = await EventuallyOneAsync(env.Client, $"q={The.Subject}%20{The.ClientId}", i => i.GetProperty("outcome").GetString() == "delivered");
        var detail = await GetAsync(env.Client, "/admin/logouts/" + item.GetProperty("id").GetString());

        Assert.Equal(2, item.GetProperty("attempts").GetInt32());
        Assert.Equal("provider", item.GetProperty("source").GetString());
        Assert.Equal(1, item.GetProperty("appSessions").GetInt32());
        var acceptedAt = item.GetProperty("acceptedAt").GetDateTimeOffset();
        var deliveredAt = item.GetProperty("deliveredAt").GetDateTimeOffset();
        Assert.True(deliveredAt > acceptedAt, $"{deliveredAt:O} after {acceptedAt:O}");
        var attempts = detail.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([(1, 503, "retrying"), (2, 200, "delivered")],
            attempts.Select(a => (a.GetProperty("number").GetInt32(), a.GetProperty("statusCode").GetInt32(), a.GetProperty("outcome").GetString())));
        Assert.DoesNotContain(The.Sid, detail.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(The.Subject, detail.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(The.AppSessionId, detail.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trail_SynchronousLogout_IsRecordedWithItsInlineAttemptAndSurvivesARestart()
    {
        await using var env = await TestEnvironment.StartAsync(Admin);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        using var logout = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        var before = await EventuallyOneAsync(env.Client, $"q={The.Sid}", i => i.GetProperty("attempts").GetInt32() == 1);

        await env.RestartSidecarAsync();
        var after = await EventuallyOneAsync(env.Client, $"q={The.Sid}", _ => true);

        Assert.Equal(before.GetProperty("id").GetString(), after.GetProperty("id").GetString());
        Assert.Equal("delivered", after.GetProperty("outcome").GetString());
        Assert.Equal(before.GetProperty("deliveredAt").GetDateTimeOffset(), after.GetProperty("deliveredAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Trail_SearchWithSeveralTerms_MatchesOnlyLogoutsMatchingEveryTerm()
    {
        await using var env = await TestEnvironment.StartAsync(Admin);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        await env.LoginAsync(The.OtherClientId, The.OtherAppSessionId);
        await env.LoginAsync(The.ClientId, The.SecondAppSessionId, sub: The.OtherSubject, sid: The.OtherSid);
        (await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign())).Dispose();
        (await env.SendLogoutAsync(env.Keycloak.LogoutToken(The.OtherClientId).Sign())).Dispose();
        (await env.SendLogoutAsync(env.Keycloak.LogoutToken(sub: The.OtherSubject, sid: The.OtherSid).Sign())).Dispose();
        await EventuallyCountAsync(env.Client, "", 3);

        var subjectAndClient = await ItemsAsync(env.Client, $"q={The.Subject}%20{The.OtherClientId}");
        var subjectOnly = await ItemsAsync(env.Client, $"q={The.Subject}");
        var clientAndOutcome = await ItemsAsync(env.Client, $"q={The.ClientId}%20delivered");
        var nobody = await ItemsAsync(env.Client, $"q={The.Subject}%20{The.OtherSubject}");
        var failed = await ItemsAsync(env.Client, "outcome=failed");

        Assert.Equal([The.OtherClientId], subjectAndClient.Select(i => i.GetProperty("clientId").GetString()));
        Assert.Equal(2, subjectOnly.Count);
        Assert.Equal(2, clientAndOutcome.Count);
        Assert.All(clientAndOutcome, i => Assert.Equal(The.ClientId, i.GetProperty("clientId").GetString()));
        Assert.Empty(nobody);
        Assert.Empty(failed);
    }

    [Fact]
    public async Task AdminApi_Logouts_PagesNewestFirstWithANextTokenAndRefusesABadParameter()
    {
        await using var env = await TestEnvironment.StartAsync(Admin);
        for (var i = 0; i < 5; i++)
        {
            var sid = $"sid-page-{i}";
            await env.LoginAsync(The.ClientId, $"PHPSESSID-page-{i}", sid: sid);
            (await env.SendLogoutAsync(env.Keycloak.LogoutToken(sid: sid).Sign())).Dispose();
        }

        await EventuallyCountAsync(env.Client, "", 5);
        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await GetAsync(env.Client, "/admin/logouts?limit=2" + (next is null ? "" : "&after=" + Uri.EscapeDataString(next)));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            next = page.GetProperty("next").ValueKind == JsonValueKind.String ? page.GetProperty("next").GetString() : null;
            pages++;
        }
        while (next is not null);

        Assert.Equal(3, pages);
        Assert.Equal(5, seen.Distinct().Count());
        Assert.Equal(seen.OrderByDescending(id => id, StringComparer.Ordinal), seen);
        using var bad = await SendAsync(env.Client, "/admin/logouts?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        using var missing = await SendAsync(env.Client, "/admin/logouts/no-such-logout");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [MemberData(nameof(SharedBackends))]
    public async Task Trail_TwoReplicasOnOneStore_SeeTheSameLogoutWhicheverAcceptedIt(string provider)
    {
        await using var backend = SharedBackend.Of(provider);
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            backend.Configure(settings);
            Admin(settings);
        });
        await using var replicaB = env.StartReplica(out var clientB);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        (await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign(), client: clientB)).Dispose();

        var onB = await EventuallyOneAsync(clientB, $"q={The.Subject}", i => i.GetProperty("outcome").GetString() == "delivered");
        var onA = await EventuallyOneAsync(env.Client, $"q={The.Subject}", i => i.GetProperty("outcome").GetString() == "delivered");

        Assert.Equal(onB.GetProperty("id").GetString(), onA.GetProperty("id").GetString());
        Assert.Equal(1, onA.GetProperty("attempts").GetInt32());
    }

    private static async Task<JsonElement> EventuallyOneAsync(HttpClient client, string query, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var items = await ItemsAsync(client, query);
            if (items is [var item] && condition(item))
            {
                return item;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the trail for '{query}' still holds {items.Count} rows: {string.Join(", ", items.Select(i => i.GetRawText()))}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task EventuallyCountAsync(HttpClient client, string query, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await ItemsAsync(client, query)).Count != count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the trail never held {count} rows for '{query}'");
            await Task.Delay(100);
        }
    }

    private static async Task<List<JsonElement>> ItemsAsync(HttpClient client, string query) =>
        [.. (await GetAsync(client, "/admin/logouts?" + query)).GetProperty("items").EnumerateArray()];

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await SendAsync(client, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", ApiKey);
        return client.SendAsync(request);
    }
}
