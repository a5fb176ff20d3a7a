using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// Every JOSE header parameter of RFC 7515/7516/7519/7797 the validator can meet, understood or ignored on purpose
/// (the table is in docs/JOSE-HEADERS.md). A <c>crit</c> naming anything (RFC 7515 §4.1.11) is refused: LogoutEnricher
/// understands no extension.
/// </summary>
public sealed class JoseHeaderTests : IAsyncLifetime
{
    private TestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await TestEnvironment.StartAsync();

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    public static TheoryData<string> CritValues => new()
    {
        "[\"http://x/unknown\"]", "[\"exp\"]", "[]", "\"x\"", "[1]", "[\"alg\"]", "[\"b64\"]", "null", "{}", "[\"x\",\"x\"]",
    };

    [Theory]
    [MemberData(nameof(CritValues))]
    public async Task Logout_CritHeader_Returns400CriticalHeaderNotUnderstood(string crit)
    {
        var token = _env.Keycloak.LogoutToken().With(t =>
        {
            t.Header["crit"] = JsonNode.Parse(crit);
            t.Header["http://x/unknown"] = true;
            t.Header["exp"] = 1;
        }).Sign();

        using var response = await _env.SendLogoutAsync(token);

        await Responses.AssertRejectedAsync(response, "CriticalHeaderNotUnderstood");
        Assert.Empty(_env.App.Received);
    }

    [Fact]
    public async Task Logout_B64FalseListedInCrit_Returns400CriticalHeaderNotUnderstood()
    {
        var token = _env.Keycloak.LogoutToken().With(t =>
        {
            t.Header["b64"] = false;
            t.Header["crit"] = new JsonArray("b64");
        }).Sign();

        using var response = await _env.SendLogoutAsync(token);

        await Responses.AssertRejectedAsync(response, "CriticalHeaderNotUnderstood");
    }

    public static TheoryData<string, string, string> RefusedHeaders => new()
    {
        { "b64", "false", "UnsupportedHeader" },
        { "b64", "true", "UnsupportedHeader" },
        { "zip", "\"DEF\"", "UnsupportedHeader" },
        { "enc", "\"A256GCM\"", "EncryptedToken" },
        { "kid", "42", "UnsupportedHeader" },
        { "kid", "\"\"", "UnsupportedHeader" },
        { "alg", "[\"RS256\"]", "AlgorithmNotAllowed" },
        { "typ", "\"at+jwt\"", "InvalidType" },
    };

    [Theory]
    [MemberData(nameof(RefusedHeaders))]
    public async Task Logout_HeaderThatChangesTheMeaningOfTheToken_Returns400NamingTheReason(string name, string json, string reason)
    {
        var token = _env.Keycloak.LogoutToken().With(t => t.Header[name] = JsonNode.Parse(json)).Sign();

        using var response = await _env.SendLogoutAsync(token);

        await Responses.AssertRejectedAsync(response, reason);
        Assert.Empty(_env.App.Received);
    }

    public static TheoryData<string, string> IgnoredHeaders => new()
    {
        { "jku", "\"http://attacker.invalid/jwks\"" },
        { "x5u", "\"http://attacker.invalid/cert.pem\"" },
        { "x5t", "\"" + Base64UrlEncoder.Encode(new byte[20]) + "\"" },
        { "x5t#S256", "\"" + Base64UrlEncoder.Encode(new byte[32]) + "\"" },
        { "cty", "\"logout+jwt\"" },
        { "iss", "\"http://attacker.invalid/realms/demo\"" },
        { "http://example.com/private", "{\"a\":1}" },
    };

    [Theory]
    [MemberData(nameof(IgnoredHeaders))]
    public async Task Logout_HeaderIgnoredOnPurpose_TokenIsJudgedWithoutIt(string name, string json)
    {
        var token = _env.Keycloak.LogoutToken().With(t => t.Header[name] = JsonNode.Parse(json)).Sign();

        using var response = await _env.SendLogoutAsync(token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_env.App.Received);
    }

    [Fact]
    public async Task Logout_EmbeddedJwkOfTheSigner_IsNotTrusted()
    {
        using var attacker = RSA.Create(2048);
        var parameters = attacker.ExportParameters(false);
        var token = _env.Keycloak.LogoutToken().With(t =>
        {
            t.Header.Remove("kid");
            t.Header["jwk"] = new JsonObject { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(parameters.Modulus), ["e"] = Base64UrlEncoder.Encode(parameters.Exponent) };
        }).Sign(attacker);

        using var response = await _env.SendLogoutAsync(token);

        await Responses.AssertRejectedAsync(response, "InvalidSignature");
        Assert.Empty(_env.App.Received);
    }

    [Fact]
    public async Task Logout_EmbeddedCertificateChainOfTheSigner_IsNotTrusted()
    {
        using var attacker = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + _env.Keycloak.Issuer, attacker, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var token = _env.Keycloak.LogoutToken().With(t => t.Header["x5c"] = new JsonArray(Convert.ToBase64String(certificate.RawData))).Sign(attacker);

        using var response = await _env.SendLogoutAsync(token);

        await Responses.AssertRejectedAsync(response, "InvalidSignature");
        Assert.Empty(_env.App.Received);
    }
}
