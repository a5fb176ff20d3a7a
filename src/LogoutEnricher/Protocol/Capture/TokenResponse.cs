using System.Buffers.Text;
using System.Text.Json;
using LogoutEnricher.Hosting.Hardening;

namespace LogoutEnricher.Protocol.Capture;

/// <summary>What a successful token response says about the SSO session, and which client its tokens were issued to.</summary>
internal sealed record TokenResponse(string Issuer, string Sid, string? Subject, long? RefreshExpiresIn)
{
    /// <summary>The client the tokens were issued to: the ID token's <c>azp</c>, else its <c>aud</c> when it names exactly
    /// one client; without an ID token, the access token's <c>azp</c>. Null when no token names it.</summary>
    public string? ClientId { get; init; }

    /// <inheritdoc cref="Parse(byte[], out bool)"/>
    public static TokenResponse? Parse(byte[] json) => Parse(json, out _);

    /// <summary>
    /// The session id is <c>session_state</c>, else the <c>sid</c> of the ID token, else of the access token; issuer and
    /// subject come from those tokens. Note: the claims are read without verifying signatures. The response comes
    /// straight from the provider over a connection LogoutEnricher opened itself, so it is as trustworthy as the
    /// provider; verifying would only cost a JWKS fetch on the login path.
    /// </summary>
    /// <param name="readable">False when the body, or a token in it, is not JSON whose text can be read (invalid UTF-8,
    /// escaped lone surrogates): such an answer passes through unread.</param>
    public static TokenResponse? Parse(byte[] json, out bool readable)
    {
        using var document = ReadableJson.TryParse(json);
        readable = document is not null;
        if (document?.RootElement is not { ValueKind: JsonValueKind.Object } root)
        {
            return null;
        }

        using var idToken = ReadClaims(root, "id_token", ref readable);
        var sid = String(root, "session_state") ?? Claim(idToken, "sid");
        var issuer = Claim(idToken, "iss");
        var subject = Claim(idToken, "sub");
        // Note: the access token (the largest part of the answer) is decoded only when the ID token left a gap.
        using var accessToken = sid is null || issuer is null || subject is null || idToken is null ? ReadClaims(root, "access_token", ref readable) : null;
        sid ??= Claim(accessToken, "sid");
        issuer ??= Claim(accessToken, "iss");
        if (!readable || sid is null || issuer is null)
        {
            return null;
        }

        // A number that fits; anything else (a string, a fraction, an overflow) is ignored and the default lifetime applies.
        long? refreshExpiresIn = root.TryGetProperty("refresh_expires_in", out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt64(out var seconds) ? seconds : null;
        var clientId = idToken is not null ? Claim(idToken, "azp") ?? SingleAudience(idToken.RootElement) : Claim(accessToken, "azp");
        return new TokenResponse(issuer, sid, subject ?? Claim(accessToken, "sub"), refreshExpiresIn) { ClientId = clientId };
    }

    private static string? SingleAudience(JsonElement claims) =>
        !claims.TryGetProperty("aud", out var aud) ? null
        : aud.ValueKind == JsonValueKind.String ? String(claims, "aud")
        : aud.ValueKind == JsonValueKind.Array && aud.GetArrayLength() == 1 && aud[0].ValueKind == JsonValueKind.String ? aud[0].GetString() : null;

    /// <returns>The claims of a compact JWS; null for an opaque or malformed token, which names nothing (other sources
    /// may). <paramref name="readable"/> turns false when the payload is JSON whose text cannot be read.</returns>
    private static JsonDocument? ReadClaims(JsonElement root, string name, ref bool readable)
    {
        // The payload is the middle of exactly three dot-separated parts; found in place rather than split out.
        var token = String(root, name).AsSpan();
        var first = token.IndexOf('.');
        var payload = first < 0 ? [] : token[(first + 1)..];
        var second = payload.IndexOf('.');
        if (second < 0 || payload[(second + 1)..].Contains('.'))
        {
            return null;
        }

        payload = payload[..second];
        if (!Base64Url.IsValid(payload))
        {
            return null;
        }

        var bytes = Base64Url.DecodeFromChars(payload);
        if (ReadableJson.TryParse(bytes) is not { } document)
        {
            // A JSON object that cannot be read (invalid UTF-8, unreadable escapes, broken syntax) makes the answer
            // unreadable; anything else is an opaque token.
            readable &= bytes is not [(byte)'{', ..];
            return null;
        }

        if (document.RootElement.ValueKind == JsonValueKind.Object)
        {
            return document;
        }

        document.Dispose();
        return null;
    }

    private static string? Claim(JsonDocument? token, string name) => token is null ? null : String(token.RootElement, name);

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
