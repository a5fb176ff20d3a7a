using System.Text;
using LogoutEnricher.Protocol.Capture;

namespace LogoutEnricher.Tests;

public sealed class TokenResponseTests
{
    [Fact]
    public void Parse_KeycloakResponse_TakesSessionStateAndIdTokenClaims()
    {
        var json = $$"""{"access_token":"{{Jwt("""{"iss":"http://kc/realms/demo","sub":"u1","sid":"from-access"}""")}}","id_token":"{{Jwt("""{"iss":"http://kc/realms/demo","sub":"u1","sid":"from-id"}""")}}","session_state":"from-response","refresh_expires_in":1800}""";

        var response = TokenResponse.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(new TokenResponse("http://kc/realms/demo", "from-response", "u1", 1800), response);
    }

    [Fact]
    public void Parse_NoSessionState_FallsBackToIdTokenSidThenAccessTokenSid()
    {
        var withId = $$"""{"access_token":"{{Jwt("""{"iss":"i","sid":"from-access"}""")}}","id_token":"{{Jwt("""{"iss":"i","sid":"from-id"}""")}}"}""";
        var accessOnly = $$"""{"access_token":"{{Jwt("""{"iss":"i","sid":"from-access","sub":"u"}""")}}"}""";

        Assert.Equal("from-id", TokenResponse.Parse(Encoding.UTF8.GetBytes(withId))!.Sid);
        Assert.Equal("from-access", TokenResponse.Parse(Encoding.UTF8.GetBytes(accessOnly))!.Sid);
    }

    [Fact]
    public void Parse_IdTokenWithoutSub_TakesSubjectFromAccessToken()
    {
        var json = $$"""{"access_token":"{{Jwt("""{"iss":"i","sub":"from-access"}""")}}","id_token":"{{Jwt("""{"iss":"i","sid":"s"}""")}}"}""";

        Assert.Equal(new TokenResponse("i", "s", "from-access", null), TokenResponse.Parse(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Parse_IdTokenWithFourParts_IsNotRead()
    {
        var json = $$"""{"id_token":"{{Jwt("""{"iss":"i","sid":"s"}""")}}.extra","session_state":"s"}""";

        Assert.Null(TokenResponse.Parse(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("""{"access_token":"opaque","session_state":"s"}""")]
    [InlineData("""{"error":"invalid_grant"}""")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void Parse_NothingToIdentifyTheSession_ReturnsNull(string json)
    {
        Assert.Null(TokenResponse.Parse(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("""{"iss":"i","sid":"s","azp":"by-azp","aud":"by-aud"}""", "by-azp")]
    [InlineData("""{"iss":"i","sid":"s","aud":"by-aud"}""", "by-aud")]
    [InlineData("""{"iss":"i","sid":"s","aud":["by-aud"]}""", "by-aud")]
    [InlineData("""{"iss":"i","sid":"s","aud":["a","b"]}""", null)]
    [InlineData("""{"iss":"i","sid":"s","aud":7}""", null)]
    public void Parse_IdToken_NamesTheClientTheTokensWereIssuedTo(string idClaims, string? client)
    {
        var json = $$"""{"id_token":"{{Jwt(idClaims)}}"}""";

        Assert.Equal(client, TokenResponse.Parse(Encoding.UTF8.GetBytes(json))!.ClientId);
    }

    [Theory]
    [InlineData("""{"session_state":"\ud800","id_token":"ID"}""")]
    [InlineData("""{"session_state":"s","id_token":"ID","x":{"\udc00":1}}""")]
    public void Parse_TextThatCannotBeRead_IsUnreadable(string json)
    {
        var response = TokenResponse.Parse(Encoding.UTF8.GetBytes(json.Replace("ID", Jwt("""{"iss":"i","sid":"s"}"""), StringComparison.Ordinal)), out var readable);

        Assert.Null(response);
        Assert.False(readable);
    }

    [Theory]
    [InlineData("\"1800\"")]
    [InlineData("1.5")]
    [InlineData("9223372036854775808")]
    public void Parse_RefreshExpiresInThatIsNotAFittingNumber_IsIgnored(string value)
    {
        var json = $$"""{"session_state":"s","id_token":"{{Jwt("""{"iss":"i"}""")}}","refresh_expires_in":{{value}}}""";

        Assert.Null(TokenResponse.Parse(Encoding.UTF8.GetBytes(json))!.RefreshExpiresIn);
    }

    private static string Jwt(string payload) =>
        "eyJhbGciOiJSUzI1NiJ9." + Convert.ToBase64String(Encoding.UTF8.GetBytes(payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".c2ln";
}
