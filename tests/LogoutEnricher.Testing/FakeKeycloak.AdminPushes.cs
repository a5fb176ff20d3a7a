using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.Testing;

/// <summary>
/// What Keycloak POSTs to a client's Admin URL (KEYCLOAK.md "Admin URL pushes"): a <c>LogoutAction</c> or
/// <c>PushNotBeforeAction</c>, compact JWS with the header bytes exactly <c>{"alg":"RS256","typ" : "JWT","kid" : "..."}</c>
/// (Keycloak's JWSBuilder writes them by hand), id <c>&lt;uuid&gt;-&lt;epoch ms&gt;</c>, expiration now + 30 s, null
/// members omitted, sent as <c>text/plain; charset=ISO-8859-1</c>.
/// </summary>
internal sealed partial class FakeKeycloak
{
    public const string PushContentType = "text/plain; charset=ISO-8859-1";

    /// <summary>A realm sign-out-all's <c>LogoutAction</c> (no ids) or a per-session one (with ids).</summary>
    public AdminActionBuilder LogoutAction(string resource, long notBefore, string[]? keycloakSessionIds = null, string[]? adapterSessionIds = null) =>
        new(this, "LOGOUT", resource, notBefore, keycloakSessionIds, adapterSessionIds);

    /// <summary>A push-revocation's <c>PushNotBeforeAction</c>.</summary>
    public AdminActionBuilder PushNotBeforeAction(string resource, long notBefore) => new(this, "PUSH_NOT_BEFORE", resource, notBefore, null, null);

    /// <summary>POSTs a signed action to <c>{adminUrl}/{k_logout|k_push_not_before}</c> as Keycloak does.</summary>
    public static async Task<HttpResponseMessage> PushAsync(HttpClient client, string url, string jws, string contentType = PushContentType)
    {
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes(jws));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return await client.PostAsync(url, content);
    }

    // What the realm does on its own, over the network (the end-to-end tests): the admin console's actions and the
    // per-session back-channel logout, each sent as Keycloak sends it.
    private static readonly HttpClient Sender = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The realm's <c>notBefore</c> (epoch seconds): set to now by sign-out-all.</summary>
    public long RealmNotBefore { get; private set; }

    /// <summary>Realm "Sign out all active sessions": ends every SSO session, moves notBefore, pushes LOGOUT to the Admin URL.</summary>
    public Task<HttpResponseMessage> LogOutAllSessionsAsync(Uri adminUrl, string clientId)
    {
        RealmNotBefore = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        UserSessions.Clear();
        return PostAdminActionAsync(adminUrl, "k_logout", LogoutAction(clientId, RealmNotBefore).Sign());
    }

    /// <summary>Realm or client "Push" (revocation): PUSH_NOT_BEFORE with <paramref name="notBefore"/> to the Admin URL.</summary>
    public Task<HttpResponseMessage> PushRevocationAsync(Uri adminUrl, string clientId, long notBefore) =>
        PostAdminActionAsync(adminUrl, "k_push_not_before", PushNotBeforeAction(clientId, notBefore).Sign());

    /// <summary>POSTs a signed admin action to <c>{adminUrl}/{endpoint}</c> (Keycloak appends the path to the Admin URL).</summary>
    public static Task<HttpResponseMessage> PostAdminActionAsync(Uri adminUrl, string endpoint, string jws) =>
        PushAsync(Sender, adminUrl.ToString().TrimEnd('/') + "/" + endpoint, jws);

    /// <summary>A back-channel logout as Keycloak sends it: form field <c>logout_token</c>, no charset, no auth.</summary>
    public static Task<HttpResponseMessage> SendBackChannelLogoutAsync(Uri backChannelLogoutUrl, string logoutToken) =>
        Sender.PostAsync(backChannelLogoutUrl, new FormUrlEncodedContent([new("logout_token", logoutToken)]));
}

/// <summary>Builds one admin action; change it before <see cref="Sign"/> for negative tests.</summary>
internal sealed class AdminActionBuilder
{
    private readonly FakeKeycloak _keycloak;

    public AdminActionBuilder(FakeKeycloak keycloak, string action, string resource, long notBefore, string[]? keycloakSessionIds, string[]? adapterSessionIds)
    {
        _keycloak = keycloak;
        var now = DateTimeOffset.UtcNow;
        Claims = new JsonObject
        {
            ["id"] = $"{Guid.NewGuid()}-{now.ToUnixTimeMilliseconds()}",
            ["expiration"] = now.ToUnixTimeSeconds() + 30,
            ["resource"] = resource,
            ["action"] = action,
        };
        if (adapterSessionIds is not null)
        {
            Claims["adapterSessionIds"] = new JsonArray([.. adapterSessionIds.Select(id => JsonValue.Create(id))]);
        }

        Claims["notBefore"] = notBefore;
        if (keycloakSessionIds is not null)
        {
            Claims["keycloakSessionIds"] = new JsonArray([.. keycloakSessionIds.Select(id => JsonValue.Create(id))]);
        }
    }

    public JsonObject Claims { get; }

    public string Id => Claims["id"]!.GetValue<string>();

    /// <summary>Signs with the realm's active RS256 key (or <paramref name="key"/>), header bytes as Keycloak writes them.</summary>
    public string Sign(RSA? key = null, string kid = FakeKeycloak.SigningKeyId)
    {
        var input = Base64UrlEncoder.Encode($"{{\"alg\":\"RS256\",\"typ\" : \"JWT\",\"kid\" : \"{kid}\"}}") + "." + Base64UrlEncoder.Encode(Claims.ToJsonString());
        var signature = (key ?? _keycloak.SigningKey).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>HS256 with a shared secret: what no published key can verify.</summary>
    public string SignHs256(byte[] secret)
    {
        var input = Base64UrlEncoder.Encode($"{{\"alg\":\"HS256\",\"typ\" : \"JWT\",\"kid\" : \"{FakeKeycloak.SigningKeyId}\"}}") + "." + Base64UrlEncoder.Encode(Claims.ToJsonString());
        return input + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }
}
