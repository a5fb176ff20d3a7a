using System.Buffers.Text;
using System.Text.Json;

namespace LogoutEnricher.Capture;

/// <summary>What a successful token response says about the SSO session.</summary>
internal sealed record TokenResponse(string Issuer, string Sid, string? Subject, long? RefreshExpiresIn)
{
    /// <summary>
    /// The session id is <c>session_state</c>, else the <c>sid</c> of the ID token, else of the access token; issuer and
    /// subject come from those tokens. Note: the claims are read without verifying signatures. The response comes
    /// straight from the provider over a connection LogoutEnricher opened itself, so it is as trustworthy as the
    /// provider; verifying would only cost a JWKS fetch on the login path.
    /// </summary>
    public static TokenResponse? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            using var idToken = ReadClaims(root, "id_token");
            var sid = String(root, "session_state") ?? Claim(idToken, "sid");
            var issuer = Claim(idToken, "iss");
            var subject = Claim(idToken, "sub");
            // Note: the access token (the largest part of the answer) is decoded only when the ID token left a gap.
            using var accessToken = sid is null || issuer is null || subject is null ? ReadClaims(root, "access_token") : null;
            sid ??= Claim(accessToken, "sid");
            issuer ??= Claim(accessToken, "iss");
            if (sid is null || issuer is null)
            {
                return null;
            }

            long? refreshExpiresIn = root.TryGetProperty("refresh_expires_in", out var value) && value.TryGetInt64(out var seconds) ? seconds : null;
            return new TokenResponse(issuer, sid, subject ?? Claim(accessToken, "sub"), refreshExpiresIn);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonDocument? ReadClaims(JsonElement root, string name)
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

        try
        {
            var document = JsonDocument.Parse(Base64Url.DecodeFromChars(payload));
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
            // An opaque or malformed token names nothing; other sources may.
        }

        return null;
    }

    private static string? Claim(JsonDocument? token, string name) => token is null ? null : String(token.RootElement, name);

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;
}
