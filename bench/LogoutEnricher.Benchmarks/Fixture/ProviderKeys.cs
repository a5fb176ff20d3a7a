using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LogoutEnricher.Benchmarks.Fixture;

/// <summary>A Keycloak realm's RS256 key and the tokens it signs, shaped as Keycloak sends them (KEYCLOAK.md).</summary>
internal sealed class ProviderKeys : IDisposable
{
    public const string Issuer = "http://keycloak.bench/realms/demo";
    public const string ClientId = "app-one";
    public const string KeyId = "kc-rs256-sig";

    public RSA Key { get; } = RSA.Create(2048);

    public string Jwks()
    {
        var parameters = Key.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kid"] = KeyId, ["kty"] = "RSA", ["alg"] = "RS256", ["use"] = "sig",
                ["n"] = Base64Url.EncodeToString(parameters.Modulus), ["e"] = Base64Url.EncodeToString(parameters.Exponent),
            }),
        }.ToJsonString();
    }

    /// <summary>A logout token as Keycloak ≥ 25 builds it, valid for an hour so a long benchmark run keeps it fresh.</summary>
    public string LogoutToken(string sid, string? jti = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iat"] = now, ["exp"] = now + 3600, ["jti"] = jti ?? Guid.NewGuid().ToString(), ["iss"] = Issuer, ["aud"] = ClientId,
            ["sub"] = "b8c5c1a4-7d0e-4f55-9a3c-1f1f0b6a1234", ["typ"] = "Logout", ["sid"] = sid,
            ["events"] = new JsonObject { ["http://schemas.openid.net/event/backchannel-logout"] = new JsonObject() },
        };
        return Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "logout+jwt", ["kid"] = KeyId }, claims);
    }

    /// <summary>A token endpoint answer with an ID token and access token naming <paramref name="sid"/>.</summary>
    public string TokenResponse(string sid)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        JsonObject Claims(string typ, string aud) => new()
        {
            ["exp"] = now + 300, ["iat"] = now, ["jti"] = Guid.NewGuid().ToString(), ["iss"] = Issuer, ["aud"] = aud,
            ["sub"] = "b8c5c1a4-7d0e-4f55-9a3c-1f1f0b6a1234", ["typ"] = typ, ["azp"] = ClientId, ["sid"] = sid,
            ["scope"] = "openid profile email", ["email"] = "user@example.test", ["preferred_username"] = "user",
        };
        var header = new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = KeyId };
        return new JsonObject
        {
            ["access_token"] = Sign(header.DeepClone().AsObject(), Claims("Bearer", "account")),
            ["expires_in"] = 300, ["refresh_expires_in"] = 1800, ["refresh_token"] = "refresh-" + Guid.NewGuid().ToString("N"),
            ["token_type"] = "Bearer", ["id_token"] = Sign(header.DeepClone().AsObject(), Claims("ID", ClientId)),
            ["not-before-policy"] = 0, ["session_state"] = sid, ["scope"] = "openid profile email",
        }.ToJsonString();
    }

    public string Sign(JsonObject header, JsonObject claims)
    {
        var input = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = Key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    public void Dispose() => Key.Dispose();
}
