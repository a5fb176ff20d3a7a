using System.Text;
using LogoutEnricher.Protocol.Capture;
using Microsoft.Extensions.Primitives;

namespace LogoutEnricher.Tests;

public sealed class TokenRequestTests
{
    [Fact]
    public void From_FormClientId_UsesIt()
    {
        var request = TokenRequest.From(Form(("client_id", "shop"), ("client_session_state", "s1")), null);

        Assert.Equal(new TokenRequest("shop", "s1", null), request);
    }

    [Fact]
    public void From_HttpBasicWithFormEncodedClientId_DecodesItPerRfc6749()
    {
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("my%3Aapp+one:secret"));

        var request = TokenRequest.From(Form(("client_session_state", "s1")), basic);

        Assert.Equal("my:app one", request!.ClientId);
    }

    [Fact]
    public void From_ClientAssertion_UsesItsSubject()
    {
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"sub":"jwt-client","iss":"jwt-client"}""")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var request = TokenRequest.From(Form(("client_assertion", $"eyJhbGciOiJSUzI1NiJ9.{payload}.c2ln"), ("client_session_state", "s1")), null);

        Assert.Equal("jwt-client", request!.ClientId);
    }

    [Fact]
    public void From_SessionHost_IsRead()
    {
        var request = TokenRequest.From(Form(("client_id", "shop"), ("client_session_state", "s1"), ("client_session_host", "node-1:8080")), null);

        Assert.Equal("node-1:8080", request!.SessionHost);
    }

    [Theory]
    [InlineData("client_id", "shop")]
    [InlineData("client_session_state", "")]
    public void From_NoSessionState_CapturesNothing(string name, string value)
    {
        Assert.Null(TokenRequest.From(Form((name, value)), null));
    }

    [Fact]
    public void From_RefreshWithoutSessionState_OnlyExtends()
    {
        var request = TokenRequest.From(Form(("grant_type", "refresh_token"), ("client_id", "shop")), null);

        Assert.NotNull(request);
        Assert.True(request.ExtendsOnly);
        Assert.Null(request.AppSessionId);
        Assert.Equal("shop", request.ClientId);
    }

    [Theory]
    [InlineData("authorization_code")]
    [InlineData("client_credentials")]
    [InlineData("password")]
    public void From_OtherGrantWithoutSessionState_CapturesNothing(string grantType)
    {
        Assert.Null(TokenRequest.From(Form(("grant_type", grantType), ("client_id", "shop")), null));
    }

    [Fact]
    public void From_SessionStateTwice_CapturesNothing()
    {
        var form = new Dictionary<string, StringValues> { ["client_id"] = "shop", ["client_session_state"] = new(["a", "b"]) };

        Assert.Null(TokenRequest.From(form, null));
    }

    [Fact]
    public void AgreedClient_EveryHintEqualsTheIssuedClient_IsThatClient()
    {
        var request = TokenRequest.From(Form(("client_id", "shop"), ("client_session_state", "s1")), "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("shop:secret")));

        Assert.Equal("shop", request!.AgreedClient("shop"));
    }

    [Theory]
    [InlineData("shop", "other", "shop")]
    [InlineData("other", "shop", "shop")]
    [InlineData("shop", "shop", "other")]
    public void AgreedClient_AnyHintDisagrees_IsNull(string formClient, string basicUser, string issuedTo)
    {
        var request = TokenRequest.From(Form(("client_id", formClient), ("client_session_state", "s1")), "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(basicUser + ":secret")));

        Assert.Null(request!.AgreedClient(issuedTo));
    }

    [Fact]
    public void From_ClientAssertionWithInvalidUtf8_IsUnreadable()
    {
        var payload = Convert.ToBase64String([.. "{\"sub\":\""u8, 0xFF, .. "\"}"u8]).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var request = TokenRequest.From(Form(("client_assertion", $"e30.{payload}.c2ln"), ("client_session_state", "s1")), null);

        Assert.True(request!.Unreadable);
    }

    private static Dictionary<string, StringValues> Form(params (string Name, string Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => new StringValues(f.Value));
}
