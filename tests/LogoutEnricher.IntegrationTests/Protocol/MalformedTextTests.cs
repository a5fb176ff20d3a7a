using System.Net;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// Text a JSON parser accepts but no .NET string can hold (a JSON-escaped lone surrogate) is a malformed token, wherever
/// it sits: read before the signature check (header, <c>iss</c>) or after it (the other claims of a signed token).
/// </summary>
public sealed class MalformedTextTests : IAsyncLifetime
{
    private const string Placeholder = "LONE-SURROGATE";
    private const string LoneSurrogate = "\"\\ud800\"";

    private TestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await TestEnvironment.StartAsync();

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    public static TheoryData<string, string> Places => new()
    {
        { "header", "alg" }, { "header", "kid" }, { "header", "typ" }, { "claims", "iss" },
        { "claims", "sub" }, { "claims", "sid" }, { "claims", "aud" }, { "claims", "jti" }, { "claims", "extra" },
    };

    [Theory]
    [MemberData(nameof(Places))]
    public async Task Logout_LoneSurrogateInHeaderOrClaim_Returns400MalformedTokenWithoutErrorLog(string part, string name)
    {
        var token = _env.Keycloak.LogoutToken().With(t => (part == "header" ? t.Header : t.Claims)[name] = Placeholder)
            .SignWithRawJson(Placeholder, LoneSurrogate);

        using var response = await _env.SendLogoutAsync(token);

        await Responses.AssertRejectedAsync(response, "MalformedToken");
        Assert.Empty(_env.App.Received);
        Assert.DoesNotContain(_env.Logs.Events, e => e.Level >= LogEventLevel.Error);
    }

    [Fact]
    public async Task Logout_LoneSurrogateInClaimName_Returns400MalformedToken()
    {
        var token = _env.Keycloak.LogoutToken().SignWithRawJson("Logout", "\"Logout\",\"\\udc00\":1");

        using var response = await _env.SendLogoutAsync(token);

        await Responses.AssertRejectedAsync(response, "MalformedToken");
        Assert.DoesNotContain(_env.Logs.Events, e => e.Level >= LogEventLevel.Error);
    }

    [Fact]
    public async Task Logout_ProperSurrogatePairInClaim_IsAccepted()
    {
        var token = _env.Keycloak.LogoutToken().With(t => t.Claims["extra"] = Placeholder).SignWithRawJson(Placeholder, "\"\\ud83d\\ude00\"");

        using var response = await _env.SendLogoutAsync(token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
