using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.Testing;

/// <summary>
/// Builds a logout token the way Keycloak does (header alg/typ/kid; claims iat, exp = iat + 120, jti, iss, aud as a plain
/// string, sub, typ "Logout", sid, events), with every part open to mutation for negative tests.
/// </summary>
internal sealed class LogoutTokenBuilder
{
    private readonly FakeKeycloak _keycloak;

    public LogoutTokenBuilder(FakeKeycloak keycloak, string clientId, string? sub, string? sid)
    {
        _keycloak = keycloak;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Header = new JsonObject { ["alg"] = "RS256", ["typ"] = "logout+jwt", ["kid"] = FakeKeycloak.SigningKeyId };
        Claims = new JsonObject
        {
            ["iat"] = now,
            ["exp"] = now + 120,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iss"] = keycloak.Issuer,
            ["aud"] = clientId,
        };
        if (sub is not null)
        {
            Claims["sub"] = sub;
        }

        Claims["typ"] = "Logout";
        if (sid is not null)
        {
            Claims["sid"] = sid;
        }

        Claims["events"] = new JsonObject { [The.BackChannelLogoutEvent] = new JsonObject() };
    }

    public JsonObject Header { get; }

    public JsonObject Claims { get; }

    public LogoutTokenBuilder With(Action<LogoutTokenBuilder> change)
    {
        change(this);
        return this;
    }

    /// <summary>Issued at <paramref name="clock"/>'s now (the sidecar's clock in a test that moves it), valid for <paramref name="lifetime"/>.</summary>
    public LogoutTokenBuilder IssuedAt(TimeProvider clock, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        Claims["iat"] = now;
        Claims["exp"] = now + (long)lifetime.TotalSeconds;
        return this;
    }

    /// <summary>Signed with the realm's RS256 key (or another RSA key, e.g. one the realm never published).</summary>
    public string Sign(RSA? key = null) => _keycloak.Sign(Header, Claims, key);

    /// <summary>
    /// Signed with the realm's key after replacing, in the serialized header and claims, the JSON string
    /// <c>"<paramref name="placeholder"/>"</c> by <paramref name="rawJson"/>: for text no serializer would write, such as a
    /// JSON-escaped lone surrogate.
    /// </summary>
    public string SignWithRawJson(string placeholder, string rawJson)
    {
        var header = Header.ToJsonString().Replace($"\"{placeholder}\"", rawJson, StringComparison.Ordinal);
        var claims = Claims.ToJsonString().Replace($"\"{placeholder}\"", rawJson, StringComparison.Ordinal);
        return _keycloak.SignEncoded(Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(claims));
    }

    /// <summary>An "unsecured JWS" (alg none, empty signature).</summary>
    public string Unsigned()
    {
        Header["alg"] = "none";
        return Encode() + ".";
    }

    /// <summary>The classic key-confusion attack: HS256 with the realm's public key as the HMAC secret.</summary>
    public string SignedWithPublicKeyAsHmacSecret()
    {
        Header["alg"] = "HS256";
        var input = Encode();
        var secret = Encoding.ASCII.GetBytes(_keycloak.SigningKey.ExportSubjectPublicKeyInfoPem());
        return input + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }

    private string Encode() => Base64UrlEncoder.Encode(Header.ToJsonString()) + "." + Base64UrlEncoder.Encode(Claims.ToJsonString());
}
