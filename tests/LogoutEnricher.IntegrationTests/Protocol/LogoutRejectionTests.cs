using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests;

/// <summary>Every check of BCL 1.0 §2.6 refuses with 400, names its reason, and delivers nothing.</summary>
public sealed class LogoutRejectionTests : IAsyncLifetime
{
    private TestEnvironment _env = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await TestEnvironment.StartAsync();
        await _env.LoginAsync(The.ClientId, The.AppSessionId);
    }

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    public static TheoryData<string, string> MutatedTokens => new()
    {
        { "BadSignature", "InvalidSignature" },
        { "AlgNone", "AlgorithmNotAllowed" },
        { "Hs256WithPublicKeyAsSecret", "AlgorithmNotAllowed" },
        { "WrongIssuer", "UnknownIssuer" },
        { "WrongAudience", "UnknownAudience" },
        { "MissingExp", "MissingExpiration" },
        { "ExpiredExp", "Expired" },
        { "IatInFuture", "IssuedInFuture" },
        { "MissingIat", "MissingIssuedAt" },
        { "MissingJti", "MissingJti" },
        { "MissingEvents", "InvalidEvents" },
        { "EventNotAnObject", "InvalidEvents" },
        { "EventsWithoutLogoutEvent", "InvalidEvents" },
        { "NoncePresent", "NoncePresent" },
        { "NeitherSubNorSid", "MissingSubjectAndSession" },
        { "SidNotAString", "MissingSubjectAndSession" },
        { "Jwe", "EncryptedToken" },
        { "NotAJwt", "MalformedToken" },
        { "UnexpectedHeaderTyp", "InvalidType" },
        { "DuplicateClaim", "MalformedToken" },
        { "JkuPointingElsewhere", "InvalidSignature" },
        { "SignatureWithUnusedBitsSet", "InvalidSignature" },
        { "PayloadWithWhitespace", "MalformedToken" },
    };

    [Theory]
    [MemberData(nameof(MutatedTokens))]
    public async Task Logout_MutatedToken_Returns400NamingTheReasonAndDeliversNothing(string mutation, string reason)
    {
        using var response = await _env.SendLogoutAsync(Build(mutation));

        await Responses.AssertRejectedAsync(response, reason);
        Assert.Empty(_env.App.Received);
    }

    [Fact]
    public async Task Logout_UnknownKid_IsRejectedAfterExactlyOneJwksRefresh()
    {
        using (var warmUp = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken(sid: "warm-up").Sign()))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        var before = _env.Keycloak.JwksRequests;
        using var first = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().With(t => t.Header["kid"] = "rotated-away").Sign());
        using var second = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().With(t => t.Header["kid"] = "made-up").Sign());

        await Responses.AssertRejectedAsync(first, "UnknownKey");
        await Responses.AssertRejectedAsync(second, "UnknownKey");
        Assert.Equal(before + 1, _env.Keycloak.JwksRequests);
        Assert.Single(_env.App.Received);
    }

    [Fact]
    public async Task Logout_KeyRotatedAtKeycloak_IsAcceptedAfterOneRefresh()
    {
        using (var warmUp = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken(sid: "warm-up").Sign()))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        using var rotated = RSA.Create(2048);
        _env.Keycloak.ExtraSigningKeys["kc-rotated"] = rotated;
        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().With(t => t.Header["kid"] = "kc-rotated").Sign(rotated));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([The.AppSessionId], _env.App.Received.Last().AdapterSessionIds);
    }

    [Fact]
    public async Task Logout_ReplayedJti_Returns400Replayed()
    {
        var token = _env.Keycloak.LogoutToken().Sign();
        using var first = await _env.SendLogoutAsync(token);

        using var replay = await _env.SendLogoutAsync(token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await Responses.AssertRejectedAsync(replay, "Replayed");
        Assert.Single(_env.App.Received);
    }

    [Fact]
    public async Task Logout_ClientPathNotInAudience_Returns400AudienceMismatch()
    {
        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().Sign(), $"/backchannel-logout/{The.OtherClientId}");

        await Responses.AssertRejectedAsync(response, "AudienceMismatch");
        Assert.Empty(_env.App.Received);
        Assert.Empty(_env.OtherApp.Received);
    }

    [Fact]
    public async Task Logout_UnconfiguredClientInPathAndAudience_Returns400AudienceMismatch()
    {
        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken(The.UnconfiguredClientId).Sign(), $"/backchannel-logout/{The.UnconfiguredClientId}");

        await Responses.AssertRejectedAsync(response, "AudienceMismatch");
    }

    [Fact]
    public async Task Logout_AudienceOfUnconfiguredClient_Returns400UnknownAudience()
    {
        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken(The.UnconfiguredClientId).Sign());

        await Responses.AssertRejectedAsync(response, "UnknownAudience");
    }

    [Fact]
    public async Task Logout_TwoLogoutTokenFields_Returns400DuplicateLogoutToken()
    {
        var token = _env.Keycloak.LogoutToken().Sign();
        using var content = new FormUrlEncodedContent([new("logout_token", token), new("logout_token", token)]);

        using var response = await _env.Client.PostAsync("/backchannel-logout", content);

        await Responses.AssertRejectedAsync(response, "DuplicateLogoutToken");
        Assert.Empty(_env.App.Received);
    }

    [Fact]
    public async Task Logout_NoLogoutTokenField_Returns400MissingLogoutToken()
    {
        using var content = new FormUrlEncodedContent([new("id_token_hint", "x")]);

        using var response = await _env.Client.PostAsync("/backchannel-logout", content);

        await Responses.AssertRejectedAsync(response, "MissingLogoutToken");
    }

    [Fact]
    public async Task Logout_JsonContentType_Returns400UnsupportedContentType()
    {
        var token = _env.Keycloak.LogoutToken().Sign();
        using var content = new StringContent($$"""{"logout_token":"{{token}}"}""", Encoding.UTF8, "application/json");

        using var response = await _env.Client.PostAsync("/backchannel-logout", content);

        await Responses.AssertRejectedAsync(response, "UnsupportedContentType");
        Assert.Empty(_env.App.Received);
    }

    [Fact]
    public async Task Logout_OversizedBody_Returns400BodyTooLarge()
    {
        var token = _env.Keycloak.LogoutToken().With(t => t.Claims["padding"] = new string('x', 20_000)).Sign();

        using var response = await _env.SendLogoutAsync(token);

        await Responses.AssertRejectedAsync(response, "BodyTooLarge");
        Assert.Empty(_env.App.Received);
    }

    [Fact]
    public async Task Logout_OversizedChunkedBody_Returns400BodyTooLarge()
    {
        var body = "logout_token=" + new string('a', 40_000);
        using var content = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes(body)));
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/backchannel-logout") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _env.Client.SendAsync(request);

        await Responses.AssertRejectedAsync(response, "BodyTooLarge");
    }

    private string Build(string mutation)
    {
        var token = _env.Keycloak.LogoutToken();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        switch (mutation)
        {
            case "BadSignature":
                using (var stranger = RSA.Create(2048))
                {
                    return token.Sign(stranger);
                }

            case "AlgNone":
                return token.Unsigned();
            case "Hs256WithPublicKeyAsSecret":
                return token.SignedWithPublicKeyAsHmacSecret();
            case "WrongIssuer":
                token.Claims["iss"] = "http://evil.example/realms/demo";
                break;
            case "WrongAudience":
                token.Claims["aud"] = "account";
                break;
            case "MissingExp":
                token.Claims.Remove("exp");
                break;
            case "ExpiredExp":
                token.Claims["iat"] = now - 600;
                token.Claims["exp"] = now - 480;
                break;
            case "IatInFuture":
                token.Claims["iat"] = now + 600;
                token.Claims["exp"] = now + 720;
                break;
            case "MissingIat":
                token.Claims.Remove("iat");
                break;
            case "MissingJti":
                token.Claims.Remove("jti");
                break;
            case "MissingEvents":
                token.Claims.Remove("events");
                break;
            case "EventNotAnObject":
                token.Claims["events"] = new JsonObject { [The.BackChannelLogoutEvent] = true };
                break;
            case "EventsWithoutLogoutEvent":
                token.Claims["events"] = new JsonObject { ["http://schemas.openid.net/event/other"] = new JsonObject() };
                break;
            case "NoncePresent":
                token.Claims["nonce"] = "n-0S6_WzA2Mj";
                break;
            case "NeitherSubNorSid":
                token.Claims.Remove("sub");
                token.Claims.Remove("sid");
                break;
            case "SidNotAString":
                token.Claims["sid"] = 42;
                break;
            case "Jwe":
                return "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVy.dGFn";
            case "NotAJwt":
                return "this-is-not-a-jwt";
            case "UnexpectedHeaderTyp":
                token.Header["typ"] = "at+jwt";
                break;
            case "DuplicateClaim":
                return DuplicateSubClaimToken();
            case "SignatureWithUnusedBitsSet":
                // The same signature bytes under another spelling: a 2048-bit signature leaves 4 bits of its last
                // character unused; setting one must not pass for the original.
                return FlipUnusedBit(token.Sign());
            case "PayloadWithWhitespace":
                var parts = token.Sign().Split('.');
                return $"{parts[0]}.{parts[1].Insert(4, " ")}.{parts[2]}";
            case "JkuPointingElsewhere":
                // A token signed by an attacker's key that points at the attacker's JWKS: the header must be ignored.
                token.Header["jku"] = "http://evil.example/jwks.json";
                token.Header["kid"] = FakeKeycloak.SigningKeyId;
                using (var attacker = RSA.Create(2048))
                {
                    return token.Sign(attacker);
                }
        }

        return token.Sign();
    }

    private static string FlipUnusedBit(string jwt)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        Assert.Equal(2, jwt.Split('.')[2].Length % 4);
        return jwt[..^1] + Alphabet[Alphabet.IndexOf(jwt[^1], StringComparison.Ordinal) ^ 1];
    }

    private string DuplicateSubClaimToken()
    {
        var token = _env.Keycloak.LogoutToken();
        var json = token.Claims.ToJsonString();
        var duplicated = json.Insert(json.Length - 1, ",\"sub\":\"another-user\"");
        var input = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(token.Header.ToJsonString()) + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(duplicated);
        var signature = _env.Keycloak.SigningKey.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(signature);
    }
}
