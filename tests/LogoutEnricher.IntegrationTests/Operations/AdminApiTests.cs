using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests;

public sealed class AdminApiTests : IAsyncLifetime
{
    private const string ApiKey = "admin-key-that-only-the-operator-knows";
    private const string AdminAudience = "logoutenricher-admin";
    private const string AdminRole = "logoutenricher-operator";

    private TestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await TestEnvironment.StartAsync(settings =>
    {
        settings["LogoutEnricher:Admin:Enabled"] = "true";
        settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
        settings["LogoutEnricher:Admin:Bearer:Audience"] = AdminAudience;
        settings["LogoutEnricher:Admin:Bearer:RequiredRole"] = AdminRole;
        settings["LogoutEnricher:Admin:Bearer:Issuer"] = "placeholder";
    });

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task Admin_WithoutCredentials_Returns401ProblemDetails()
    {
        using var response = await _env.Client.GetAsync(MappingsUrl());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, body.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Admin_WithWrongKey_Returns401()
    {
        using var response = await SendAsync(HttpMethod.Get, MappingsUrl(), apiKey: ApiKey + "x");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Mappings_WithRightKey_ReturnsMappingWithMaskedIds()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);

        using var response = await SendAsync(HttpMethod.Get, MappingsUrl(), apiKey: ApiKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(The.AppSessionId, text, StringComparison.Ordinal);
        Assert.DoesNotContain(The.Sid, text, StringComparison.Ordinal);
        var mapping = Assert.Single(JsonDocument.Parse(text).RootElement.EnumerateArray());
        Assert.Equal($"{The.Sid[..4]}…({The.Sid.Length})", mapping.GetProperty("sid").GetString());
        Assert.Equal($"{The.AppSessionId[..4]}…({The.AppSessionId.Length})", mapping.GetProperty("appSessions")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Logout_TriggeredByHand_DeliversLikeAReceivedOneAndRemovesTheMapping()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);

        using var response = await SendAsync(HttpMethod.Post, "/admin/logouts", apiKey: ApiKey,
            body: new { issuer = _env.Keycloak.Issuer, clientId = The.ClientId, sid = The.Sid });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
        Assert.Equal(The.Sid, received.Token.GetClaim("sid").Value);
        using var after = await SendAsync(HttpMethod.Get, MappingsUrl(), apiKey: ApiKey);
        Assert.Equal("[]", await after.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("POST", "/admin/logouts", "{}")]
    [InlineData("POST", "/admin/logouts", "{\"issuer\":\"x\"}")]
    [InlineData("POST", "/admin/logouts", "{not json")]
    [InlineData("GET", "/admin/dead-letters?max=99999999999", null)]
    [InlineData("GET", "/admin/mappings?issuer=x", null)]
    public async Task Admin_RequestItCannotBind_Answers400ProblemDetails(string method, string url, string? json)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", ApiKey);

        using var response = await _env.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, body.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task DeadLetters_NoneParked_ListIsEmptyAndRetryOfUnknownIdIs404ProblemDetails()
    {
        using var list = await SendAsync(HttpMethod.Get, "/admin/dead-letters", apiKey: ApiKey);
        using var retry = await SendAsync(HttpMethod.Post, "/admin/dead-letters/no-such-id/retry", apiKey: ApiKey);

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal("[]", await list.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, retry.StatusCode);
        Assert.Equal("application/problem+json", retry.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Admin_WithBearerTokenOfTheIssuer_AdmitsOnlyWithTheRole()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            settings["LogoutEnricher:Admin:Enabled"] = "true";
            settings["LogoutEnricher:Admin:Bearer:Audience"] = AdminAudience;
            settings["LogoutEnricher:Admin:Bearer:RequiredRole"] = AdminRole;
            settings["LogoutEnricher:Admin:Bearer:Issuer"] = settings["LogoutEnricher:Issuers:demo:Issuer"];
        });

        using var withRole = await SendAsync(env, HttpMethod.Get, MappingsUrl(env), bearer: AccessToken(env, AdminRole));
        using var withoutRole = await SendAsync(env, HttpMethod.Get, MappingsUrl(env), bearer: AccessToken(env, "some-other-role"));
        using var forged = await SendAsync(env, HttpMethod.Get, MappingsUrl(env), bearer: AccessToken(env, AdminRole, RSA.Create(2048)));
        using var malformed = await SendAsync(env, HttpMethod.Get, MappingsUrl(env), bearer: "a.b.c");

        Assert.Equal(HttpStatusCode.OK, withRole.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withoutRole.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, malformed.StatusCode);
    }

    [Fact]
    public async Task Startup_BearerWithoutRequiredRole_FailsNamingTheKey()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var env = await TestEnvironment.StartAsync(settings =>
            {
                settings["LogoutEnricher:Admin:Enabled"] = "true";
                settings["LogoutEnricher:Admin:Bearer:Issuer"] = settings["LogoutEnricher:Issuers:demo:Issuer"];
                settings["LogoutEnricher:Admin:Bearer:Audience"] = AdminAudience;
            });
        });

        var validation = Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(exception.GetBaseException());
        Assert.Contains("LogoutEnricher:Admin:Bearer:RequiredRole", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_NotEnabled_Returns404()
    {
        await using var env = await TestEnvironment.StartAsync();

        using var response = await SendAsync(env, HttpMethod.Get, MappingsUrl(env), apiKey: ApiKey);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private string MappingsUrl() => MappingsUrl(_env);

    private static string MappingsUrl(TestEnvironment env) =>
        $"/admin/mappings?issuer={Uri.EscapeDataString(env.Keycloak.Issuer)}&clientId={The.ClientId}&sid={The.Sid}";

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? apiKey = null, string? bearer = null, object? body = null) =>
        SendAsync(_env, method, url, apiKey, bearer, body);

    private static Task<HttpResponseMessage> SendAsync(TestEnvironment env, HttpMethod method, string url, string? apiKey = null, string? bearer = null, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return env.Client.SendAsync(request);
    }

    /// <summary>A Keycloak-shaped access token with an audience mapper and a realm role.</summary>
    private static string AccessToken(TestEnvironment env, string role, RSA? key = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return env.Keycloak.Sign(
            new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = FakeKeycloak.SigningKeyId },
            new JsonObject
            {
                ["exp"] = now + 300, ["iat"] = now, ["iss"] = env.Keycloak.Issuer, ["aud"] = AdminAudience, ["sub"] = The.OtherSubject,
                ["typ"] = "Bearer", ["azp"] = "admin-cli", ["realm_access"] = new JsonObject { ["roles"] = new JsonArray(role) },
            },
            key);
    }
}
