using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.Testing;

/// <summary>
/// A Keycloak realm reduced to what LogoutEnricher touches, with the shapes of shared/KEYCLOAK.md: discovery, a JWKS
/// that also lists an RSA <c>enc</c> key, a token endpoint answering with <c>session_state</c> and <c>sid</c> in every
/// token, and logout tokens as <c>DefaultTokenManager.initLogoutToken</c> builds them. The browser login
/// (FakeKeycloak.BrowserLogin.cs) and the Admin URL pushes (FakeKeycloak.AdminPushes.cs) live beside this file.
/// </summary>
internal sealed partial class FakeKeycloak : IAsyncDisposable
{
    public const string SigningKeyId = "kc-rs256-sig";
    public const string EncryptionKeyId = "kc-rsa-oaep-enc";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string ClientId, string Sub, string Sid)> _grants = new();

    private FakeKeycloak(WebApplication app, RSA signingKey, RSA encryptionKey, Uri? publicUrl)
    {
        _app = app;
        SigningKey = signingKey;
        EncryptionKey = encryptionKey;
        BaseUrl = KestrelHost.AddressOf(app.Services);
        PublicUrl = publicUrl ?? BaseUrl;
    }

    /// <summary>Where the fake listens: the "back-channel" address servers use (token endpoint, JWKS).</summary>
    public Uri BaseUrl { get; }

    /// <summary>
    /// Keycloak's public URL (<c>KC_HOSTNAME</c>), the base of its issuer and browser endpoints; the listening address
    /// unless the fake stands behind a front door (LogoutEnricher or an ingress) that answers at another URL.
    /// </summary>
    public Uri PublicUrl { get; }

    public string Issuer => $"{PublicUrl}realms/{The.Realm}";

    public RSA SigningKey { get; }

    public RSA EncryptionKey { get; }

    /// <summary>Extra signing keys published in the JWKS (for rotation tests), by kid.</summary>
    public ConcurrentDictionary<string, RSA> ExtraSigningKeys { get; } = new();

    public int JwksRequests;

    /// <summary>False makes the JWKS endpoint answer 503, as a Keycloak that is restarting does.</summary>
    public bool JwksAvailable { get; set; } = true;

    /// <summary>When set, the discovery document answered instead of the realm's (a provider that answers nonsense).</summary>
    public string? DiscoveryOverride { get; set; }

    /// <summary>When set, the key set answered instead of the realm's (a provider that answers nonsense).</summary>
    public string? JwksOverride { get; set; }

    /// <summary>The Cache-Control header sent verbatim with the JWKS (Keycloak sends none), or null for none.</summary>
    public string? JwksCacheControl { get; set; }

    /// <summary>The forms the token endpoint received, as it received them.</summary>
    public ConcurrentQueue<Dictionary<string, string>> TokenRequests { get; } = new();

    /// <summary>The W3C <c>traceparent</c> header of each token request, as it arrived.</summary>
    public ConcurrentQueue<string> TokenRequestTraceparents { get; } = new();

    /// <summary>When set, answers token requests instead of the realm (a provider that misbehaves) whenever it returns
    /// true; false leaves the request to the realm. Every answer carries <c>X-Upstream-Status</c>, so a test can tell
    /// the provider's own status from one LogoutEnricher chose.</summary>
    public Func<HttpContext, Task<bool>>? TokenEndpointOverride { get; set; }

    /// <param name="publicUrl">Keycloak's public URL when something else answers there (see <see cref="PublicUrl"/>).</param>
    public static async Task<FakeKeycloak> StartAsync(Uri? publicUrl = null)
    {
        var signing = RSA.Create(2048);
        var encryption = RSA.Create(2048);
        FakeKeycloak? keycloak = null;
        var app = await KestrelHost.StartAsync(app =>
        {
            app.Use(async (context, next) =>
            {
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers["X-Upstream-Status"] = context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return Task.CompletedTask;
                });
                try
                {
                    await next(context);
                }
                catch (Exception exception) when (!context.Response.HasStarted && exception is InvalidDataException or BadHttpRequestException or IOException or InvalidOperationException)
                {
                    // Keycloak answers a body it cannot read with 400, as the realm here does.
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    await context.Response.WriteAsJsonAsync(new { error = "invalid_request" });
                }
            });
            app.MapGet($"/realms/{The.Realm}/.well-known/openid-configuration", (HttpContext context) =>
                keycloak!.DiscoveryOverride is { } discovery ? Results.Text(discovery, "application/json") : keycloak.Discovery(context));
            app.MapGet($"/realms/{The.Realm}/protocol/openid-connect/certs", (HttpContext context) =>
            {
                if (keycloak!.JwksCacheControl is { } cacheControl)
                {
                    context.Response.Headers.CacheControl = cacheControl;
                }

                Interlocked.Increment(ref keycloak!.JwksRequests);
                if (!keycloak.JwksAvailable)
                {
                    return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
                }

                return Results.Text(keycloak.JwksOverride ?? keycloak.Jwks(), "application/json");
            });
            app.MapPost($"/realms/{The.Realm}/protocol/openid-connect/token", (Func<HttpContext, Task<IResult>>)(async context =>
            {
                if (keycloak!.TokenEndpointOverride is { } answer && await answer(context))
                {
                    return Results.Empty;
                }

                return await keycloak.TokenAsync(context);
            }));
            MapBrowserLogin(app, () => keycloak!);
        });
        keycloak = new FakeKeycloak(app, signing, encryption, publicUrl);
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

    // Note: as Keycloak with KC_HOSTNAME and KC_HOSTNAME_BACKCHANNEL_DYNAMIC: the issuer and browser endpoints at the
    // public URL, the endpoints servers call (token, certs) at the Host the discovery request came to (through a
    // front door that keeps the Host header, that is the front door).
    private IResult Discovery(HttpContext context) => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = $"{Issuer}/protocol/openid-connect/auth",
        ["token_endpoint"] = $"{BackChannelBase(context)}realms/{The.Realm}/protocol/openid-connect/token",
        ["jwks_uri"] = $"{BackChannelBase(context)}realms/{The.Realm}/protocol/openid-connect/certs",
        ["end_session_endpoint"] = $"{Issuer}/protocol/openid-connect/logout",
        ["backchannel_logout_supported"] = true,
        ["backchannel_logout_session_supported"] = true,
    });

    private static string BackChannelBase(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}/";

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

        // Note: as Keycloak writes it (Jackson): '+' and '/' of the x5c certificates stay as they are.
        return new JsonObject { ["keys"] = keys }.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
    }

    /// <summary>One certificate per key, as Keycloak keeps it: the key set reads the same bytes every time.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RSA, byte[]> Certificates = new();

    private static byte[] SelfSigned(RSA key)
    {
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={The.Realm}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        return certificate.RawData;
    }

    /// <summary>A JWK as Keycloak publishes it: with its self-signed certificate (<c>x5c</c>, standard base64) and its SHA-256 thumbprint.</summary>
    private static JsonObject RsaJwk(RSA key, string kid, string use, string alg)
    {
        var parameters = key.ExportParameters(false);
        var der = Certificates.GetValue(key, SelfSigned);
        return new JsonObject
        {
            ["kid"] = kid,
            ["kty"] = "RSA",
            ["alg"] = alg,
            ["use"] = use,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            ["x5c"] = new JsonArray(Convert.ToBase64String(der)),
            ["x5t#S256"] = Base64UrlEncoder.Encode(SHA256.HashData(der)),
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

        if (!ClientAuthenticated(context, form, grant.ClientId))
        {
            return Results.Json(new { error = "unauthorized_client", error_description = "Invalid client or Invalid client credentials" }, statusCode: 401);
        }

        if (!VerifyPkce(grantKey, form.GetValueOrDefault("code_verifier"), out var pkceError))
        {
            return Results.Json(new { error = "invalid_grant", error_description = pkceError }, statusCode: 400);
        }

        var refreshToken = $"refresh-{Guid.NewGuid():N}";
        _grants[refreshToken] = grant;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var username = UserNameOf(grant.Sub);
        var idClaims = new JsonObject
        {
            ["exp"] = now + 300, ["iat"] = now, ["jti"] = Guid.NewGuid().ToString(), ["iss"] = Issuer, ["aud"] = grant.ClientId,
            ["sub"] = grant.Sub, ["typ"] = "ID", ["azp"] = grant.ClientId, ["sid"] = grant.Sid,
        };
        if (username is not null)
        {
            idClaims["preferred_username"] = username;
        }

        if (_nonces.TryGetValue(grantKey, out var nonce))
        {
            idClaims["nonce"] = nonce;
        }

        var accessClaims = new JsonObject
        {
            ["exp"] = now + 300, ["iat"] = now, ["jti"] = Guid.NewGuid().ToString(), ["iss"] = Issuer, ["aud"] = "account",
            ["sub"] = grant.Sub, ["typ"] = "Bearer", ["azp"] = grant.ClientId, ["sid"] = grant.Sid, ["scope"] = "openid profile email",
        };
        AddRoles(accessClaims, username, grant.ClientId);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = SigningKeyId }, accessClaims),
            ["expires_in"] = 300,
            ["refresh_expires_in"] = 1800,
            ["refresh_token"] = refreshToken,
            ["token_type"] = "Bearer",
            ["id_token"] = Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = SigningKeyId }, idClaims),
            ["not-before-policy"] = RealmNotBefore,
            ["session_state"] = grant.Sid,
            ["scope"] = "openid profile email",
        });
    }

    internal string Sign(JsonObject header, JsonObject claims, RSA? key = null) =>
        SignEncoded(Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(claims.ToJsonString()), key);

    /// <summary>Signs an already encoded <c>header.payload</c> with RS256.</summary>
    internal string SignEncoded(string input, RSA? key = null)
    {
        var signature = (key ?? SigningKey).SignData(System.Text.Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64UrlEncoder.Encode(signature);
    }
}
