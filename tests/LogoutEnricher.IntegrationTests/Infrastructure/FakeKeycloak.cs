using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>
/// A Keycloak realm reduced to what LogoutEnricher touches, with the shapes of shared/KEYCLOAK.md: discovery, a JWKS
/// that also lists an RSA <c>enc</c> key, a token endpoint answering with <c>session_state</c> and <c>sid</c> in every
/// token, and logout tokens as <c>DefaultTokenManager.initLogoutToken</c> builds them.
/// </summary>
internal sealed class FakeKeycloak : IAsyncDisposable
{
    public const string SigningKeyId = "kc-rs256-sig";
    public const string EncryptionKeyId = "kc-rsa-oaep-enc";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string ClientId, string Sub, string Sid)> _grants = new();

    private FakeKeycloak(WebApplication app, RSA signingKey, RSA encryptionKey)
    {
        _app = app;
        SigningKey = signingKey;
        EncryptionKey = encryptionKey;
        BaseUrl = KestrelHost.AddressOf(app.Services);
    }

    public Uri BaseUrl { get; }

    public string Issuer => $"{BaseUrl}realms/{The.Realm}";

    public RSA SigningKey { get; }

    public RSA EncryptionKey { get; }

    /// <summary>Extra signing keys published in the JWKS (for rotation tests), by kid.</summary>
    public ConcurrentDictionary<string, RSA> ExtraSigningKeys { get; } = new();

    public int JwksRequests;

    /// <summary>False makes the JWKS endpoint answer 503, as a Keycloak that is restarting does.</summary>
    public bool JwksAvailable { get; set; } = true;

    /// <summary>The forms the token endpoint received, as it received them.</summary>
    public ConcurrentQueue<Dictionary<string, string>> TokenRequests { get; } = new();

    /// <summary>The W3C <c>traceparent</c> header of each token request, as it arrived.</summary>
    public ConcurrentQueue<string> TokenRequestTraceparents { get; } = new();

    public static async Task<FakeKeycloak> StartAsync()
    {
        var signing = RSA.Create(2048);
        var encryption = RSA.Create(2048);
        FakeKeycloak? keycloak = null;
        var app = await KestrelHost.StartAsync(app =>
        {
            app.MapGet($"/realms/{The.Realm}/.well-known/openid-configuration", () => keycloak!.Discovery());
            app.MapGet($"/realms/{The.Realm}/protocol/openid-connect/certs", () =>
            {
                Interlocked.Increment(ref keycloak!.JwksRequests);
                if (!keycloak.JwksAvailable)
                {
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }

                return Results.Text(keycloak.Jwks(), "application/json");
            });
            app.MapPost($"/realms/{The.Realm}/protocol/openid-connect/token", (Func<HttpContext, Task<IResult>>)(context => keycloak!.TokenAsync(context)));
        });
        keycloak = new FakeKeycloak(app, signing, encryption);
        return keycloak;
    }

    /// <summary>An authorization code for a user's SSO session, as the browser would bring it back.</summary>
    public string IssueCode(string clientId, string sub = The.Subject, string sid = The.Sid)
    {
        var code = $"code-{Guid.NewGuid():N}";
        _grants[code] = (clientId, sub, sid);
        return code;
    }

    /// <summary>A logout token exactly as Keycloak ≥ 25 builds it; mutate it before signing for negative tests.</summary>
    public LogoutTokenBuilder LogoutToken(string clientId = The.ClientId, string? sub = The.Subject, string? sid = The.Sid) =>
        new(this, clientId, sub, sid);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["token_endpoint"] = $"{Issuer}/protocol/openid-connect/token",
        ["jwks_uri"] = $"{Issuer}/protocol/openid-connect/certs",
        ["end_session_endpoint"] = $"{Issuer}/protocol/openid-connect/logout",
        ["backchannel_logout_supported"] = true,
        ["backchannel_logout_session_supported"] = true,
    });

    private string Jwks()
    {
        var keys = new JsonArray
        {
            RsaJwk(EncryptionKey, EncryptionKeyId, "enc", "RSA-OAEP"),
            RsaJwk(SigningKey, SigningKeyId, "sig", "RS256"),
        };
        foreach (var (kid, key) in ExtraSigningKeys)
        {
            keys.Add(RsaJwk(key, kid, "sig", "RS256"));
        }

        return new JsonObject { ["keys"] = keys }.ToJsonString();
    }

    private static JsonObject RsaJwk(RSA key, string kid, string use, string alg)
    {
        var parameters = key.ExportParameters(false);
        return new JsonObject
        {
            ["kid"] = kid,
            ["kty"] = "RSA",
            ["alg"] = alg,
            ["use"] = use,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        var form = (await context.Request.ReadFormAsync()).ToDictionary(p => p.Key, p => p.Value.ToString());
        TokenRequests.Enqueue(form);
        TokenRequestTraceparents.Enqueue(context.Request.Headers.TraceParent.ToString());
        var grantKey = form.GetValueOrDefault("grant_type") switch
        {
            "authorization_code" => form.GetValueOrDefault("code"),
            "refresh_token" => form.GetValueOrDefault("refresh_token"),
            _ => null,
        };
        if (grantKey is null || !_grants.TryGetValue(grantKey, out var grant))
        {
            return Results.Json(new { error = "invalid_grant", error_description = "Code not valid" }, statusCode: 400);
        }

        var refreshToken = $"refresh-{Guid.NewGuid():N}";
        _grants[refreshToken] = grant;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var idClaims = new JsonObject
        {
            ["exp"] = now + 300, ["iat"] = now, ["jti"] = Guid.NewGuid().ToString(), ["iss"] = Issuer, ["aud"] = grant.ClientId,
            ["sub"] = grant.Sub, ["typ"] = "ID", ["azp"] = grant.ClientId, ["sid"] = grant.Sid,
        };
        var accessClaims = new JsonObject
        {
            ["exp"] = now + 300, ["iat"] = now, ["jti"] = Guid.NewGuid().ToString(), ["iss"] = Issuer, ["aud"] = "account",
            ["sub"] = grant.Sub, ["typ"] = "Bearer", ["azp"] = grant.ClientId, ["sid"] = grant.Sid, ["scope"] = "openid profile email",
        };
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = SigningKeyId }, accessClaims),
            ["expires_in"] = 300,
            ["refresh_expires_in"] = 1800,
            ["refresh_token"] = refreshToken,
            ["token_type"] = "Bearer",
            ["id_token"] = Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = SigningKeyId }, idClaims),
            ["not-before-policy"] = 0,
            ["session_state"] = grant.Sid,
            ["scope"] = "openid profile email",
        });
    }

    internal string Sign(JsonObject header, JsonObject claims, RSA? key = null)
    {
        var input = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(claims.ToJsonString());
        var signature = (key ?? SigningKey).SignData(System.Text.Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64UrlEncoder.Encode(signature);
    }
}
