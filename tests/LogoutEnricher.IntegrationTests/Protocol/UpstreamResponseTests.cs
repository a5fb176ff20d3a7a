using System.Net;
using System.Text;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// Whatever a provider answers, the application gets it byte for byte: a 200 LogoutEnricher cannot read passes through
/// unread (counted <c>not_read</c>), and only an unreachable or failing provider is a 502/504.
/// </summary>
public sealed class UpstreamResponseTests : IAsyncLifetime
{
    private TestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await TestEnvironment.StartAsync();

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task TokenResponse_RefreshExpiresInAsString_PassesThroughAndIsCapturedWithTheDefaultLifetime()
    {
        var body = TokenResponse(refreshExpiresIn: "\"1800\""u8.ToArray());

        await AssertPassedThroughAsync(body);

        Assert.NotNull(await FindAsync());
    }

    [Fact]
    public async Task TokenResponse_RefreshExpiresInOfLongMaxValue_PassesThroughAndIsCapturedCappedAtTheMaximumLifetime()
    {
        var body = TokenResponse(refreshExpiresIn: "9223372036854775807"u8.ToArray());

        await AssertPassedThroughAsync(body);

        Assert.NotNull(await FindAsync());
    }

    [Fact]
    public async Task TokenResponse_InvalidUtf8InSessionState_PassesThroughUnread()
    {
        var body = TokenResponse(sessionState: [.. "\"bad"u8, 0xFF, (byte)'"']);

        await AssertPassedThroughAsync(body);

        await AssertNotReadAsync();
    }

    [Fact]
    public async Task TokenResponse_LoneSurrogateEscapedInSessionState_PassesThroughUnread()
    {
        var body = TokenResponse(sessionState: "\"\\udc00\""u8.ToArray());

        await AssertPassedThroughAsync(body);

        await AssertNotReadAsync();
    }

    [Fact]
    public async Task TokenResponse_InvalidUtf8InIdTokenClaim_PassesThroughUnread()
    {
        var claims = Encoding.UTF8.GetBytes($"{{\"iss\":\"{_env.Keycloak.Issuer}\",\"azp\":\"{The.ClientId}\",\"aud\":\"{The.ClientId}\",\"sid\":\"{The.Sid}\",\"sub\":\"")
            .Concat(new byte[] { 0xC3, 0x28 }).Concat("\"}"u8.ToArray()).ToArray();
        var body = TokenResponse(idClaims: claims, sessionState: "null"u8.ToArray());

        await AssertPassedThroughAsync(body);

        await AssertNotReadAsync();
    }

    [Fact]
    public async Task TokenResponse_ChunkedBodyOverTheReadLimit_PassesThroughWholeAndUnread()
    {
        var padding = Encoding.ASCII.GetBytes(",\"padding\":\"" + new string('p', 300 * 1024) + "\"}");
        var small = TokenResponse();
        var body = small[..^1].Concat(padding).ToArray();

        await AssertPassedThroughAsync(body, chunked: true);

        await AssertNotReadAsync();
    }

    [Fact]
    public async Task TokenResponse_ProviderError_ItsOwnStatusAndBodyPassThrough()
    {
        var body = "{\"error\":\"server_error\"}"u8.ToArray();

        await AssertPassedThroughAsync(body, status: StatusCodes.Status500InternalServerError);
    }

    [Fact]
    public async Task TokenResponse_ProviderAnswerBreaksOffMidBody_Returns502AsTheProvidersFailure()
    {
        _env.Keycloak.TokenEndpointOverride = async context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 1000;
            await context.Response.Body.WriteAsync("{\"access_token\":\"a"u8.ToArray());
            await context.Response.Body.FlushAsync();
            context.Abort();
            return true;
        };

        using var response = await _env.ExchangeCodeAsync(The.ClientId, The.AppSessionId);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        await Responses.AssertOAuthErrorAsync(response, HttpStatusCode.BadGateway, "temporarily_unavailable");
        Assert.DoesNotContain(_env.Logs.Events, e => e.Level >= LogEventLevel.Error);
    }

    private byte[] TokenResponse(byte[]? refreshExpiresIn = null, byte[]? sessionState = null, byte[]? idClaims = null)
    {
        idClaims ??= Encoding.UTF8.GetBytes($"{{\"iss\":\"{_env.Keycloak.Issuer}\",\"azp\":\"{The.ClientId}\",\"aud\":\"{The.ClientId}\",\"sid\":\"{The.Sid}\",\"sub\":\"{The.Subject}\"}}");
        var idToken = _env.Keycloak.SignEncoded(Base64UrlEncoder.Encode("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + Base64UrlEncoder.Encode(idClaims));
        return
        [
            .. "{\"access_token\":\"opaque-access\",\"expires_in\":300,\"refresh_expires_in\":"u8, .. refreshExpiresIn ?? "1800"u8.ToArray(),
            .. ",\"refresh_token\":\"opaque-refresh\",\"token_type\":\"Bearer\",\"id_token\":\""u8, .. Encoding.ASCII.GetBytes(idToken),
            .. "\",\"session_state\":"u8, .. sessionState ?? Encoding.ASCII.GetBytes($"\"{The.Sid}\""), .. ",\"scope\":\"openid\"}"u8,
        ];
    }

    private async Task AssertPassedThroughAsync(byte[] body, bool chunked = false, int status = StatusCodes.Status200OK)
    {
        _env.Keycloak.TokenEndpointOverride = async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            if (!chunked)
            {
                context.Response.ContentLength = body.Length;
                await context.Response.Body.WriteAsync(body);
                return true;
            }

            foreach (var chunk in body.Chunk(16 * 1024))
            {
                await context.Response.Body.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
            }

            return true;
        };

        using var response = await _env.ExchangeCodeAsync(The.ClientId, The.AppSessionId);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    private Task<SessionMapping?> FindAsync() =>
        _env.Services.GetRequiredService<ProtectedSessionStore>().FindAsync(new SessionKey(_env.Keycloak.Issuer, The.ClientId, The.Sid));

    private async Task AssertNotReadAsync()
    {
        Assert.Null(await FindAsync());
        Assert.Contains(_env.Logs.Events, e => e.Properties.TryGetValue("Reason", out var value) && value.ToString() == "\"not_read\"");
        Assert.DoesNotContain(_env.Logs.Events, e => e.Level >= LogEventLevel.Error);
    }
}
