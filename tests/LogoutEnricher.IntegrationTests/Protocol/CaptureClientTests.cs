using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// A session is recorded under the client its tokens were issued to (the ID token's <c>azp</c>), and only when every
/// client the request names agrees: a provider less strict than Keycloak must not let one application's session
/// land in another's logout. Whatever the request's client authentication holds, it is forwarded unchanged.
/// </summary>
public sealed class CaptureClientTests : IAsyncLifetime
{
    private TestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await TestEnvironment.StartAsync();

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task TokenRequest_FormClientIdDisagreesWithBasic_ForwardedButNothingCaptured()
    {
        using var response = await SendAsync(new() { ["client_id"] = The.OtherClientId }, basic: (The.ClientId, The.ClientSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertNothingCapturedAsync("client_mismatch");
    }

    [Fact]
    public async Task TokenRequest_ClientAssertionSubDiffersFromIss_ForwardedButNothingCaptured()
    {
        var assertion = Assertion($"{{\"iss\":\"{The.ClientId}\",\"sub\":\"{The.OtherClientId}\",\"aud\":\"x\"}}");

        using var response = await SendAsync(new() { ["client_assertion"] = assertion });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertNothingCapturedAsync("client_mismatch");
    }

    [Fact]
    public async Task TokenRequest_OnlyHintNamesAnotherClientThanTheIdTokenAzp_NothingCaptured()
    {
        using var response = await SendAsync(new() { ["client_id"] = The.OtherClientId });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertNothingCapturedAsync("client_mismatch");
    }

    [Fact]
    public async Task TokenRequest_ClientAssertionWithInvalidUtf8Sub_ForwardedUnchangedAndNotCaptured()
    {
        var assertion = "e30." + Base64UrlEncoder.Encode([.. "{\"sub\":\""u8, 0xFF, .. "\"}"u8]) + ".c2ln";

        using var response = await SendAsync(new() { ["client_assertion"] = assertion });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(assertion, _env.Keycloak.TokenRequests.Last()["client_assertion"]);
        await AssertNothingCapturedAsync("not_read");
    }

    [Fact]
    public async Task TokenRequest_ClientAssertionOfTheClientTheTokensWereIssuedTo_IsCaptured()
    {
        var assertion = Assertion($"{{\"iss\":\"{The.ClientId}\",\"sub\":\"{The.ClientId}\",\"aud\":\"x\"}}");

        using var response = await SendAsync(new() { ["client_assertion"] = assertion });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var store = _env.Services.GetRequiredService<ProtectedSessionStore>();
        Assert.NotNull(await store.FindAsync(new SessionKey(_env.Keycloak.Issuer, The.ClientId, The.Sid)));
    }

    private static string Assertion(string payloadJson) =>
        Base64UrlEncoder.Encode("{\"alg\":\"RS256\"}") + "." + Base64UrlEncoder.Encode(payloadJson) + ".c2ln";

    /// <summary>An authorization-code exchange for a code the provider issued to <see cref="The.ClientId"/>.</summary>
    private Task<HttpResponseMessage> SendAsync(Dictionary<string, string> fields, (string User, string Password)? basic = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = _env.Keycloak.IssueCode(The.ClientId),
            ["client_session_state"] = The.AppSessionId,
        };
        foreach (var (name, value) in fields)
        {
            form[name] = value;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, $"/realms/{The.Realm}/protocol/openid-connect/token") { Content = new FormUrlEncodedContent(form) };
        if (basic is var (user, password))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return _env.Client.SendAsync(request);
    }

    private async Task AssertNothingCapturedAsync(string reason)
    {
        var store = _env.Services.GetRequiredService<ProtectedSessionStore>();
        Assert.Null(await store.FindAsync(new SessionKey(_env.Keycloak.Issuer, The.ClientId, The.Sid)));
        Assert.Null(await store.FindAsync(new SessionKey(_env.Keycloak.Issuer, The.OtherClientId, The.Sid)));
        Assert.Contains(_env.Logs.Events, e => e.Properties.TryGetValue("Reason", out var value) && value.ToString() == $"\"{reason}\"");
        Assert.DoesNotContain(_env.Logs.Events, e => e.Level >= LogEventLevel.Error);
    }
}
