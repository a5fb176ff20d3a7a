using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using LogoutEnricher.Delivery.Signing;
using LogoutEnricher.Hosting.Hardening;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.Protocol.BackChannelLogout;

/// <summary>
/// Validates a logout token to the letter of OIDC Back-Channel Logout 1.0 §2.6, plus what Keycloak sends
/// (KEYCLOAK.md). Every refusal carries a <see cref="RejectionReason"/>.
/// </summary>
internal sealed partial class LogoutTokenValidator(
    IssuerRegistry registry,
    ProviderKeyCache keys,
    IReplayCache replayCache,
    IOptions<LogoutOptions> options,
    TimeProvider timeProvider)
{
    // Note: duplicate claim names make a token mean different things to different parsers; refuse them outright.
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false, MaxDepth = 16 };

    private readonly HashSet<string> _allowedAlgorithms = new(
        options.Value.AllowedAlgorithms.Count > 0 ? options.Value.AllowedAlgorithms : SupportedAlgorithms.Asymmetric,
        StringComparer.Ordinal);

    /// <param name="routeClientId">The client named in the URL path, which must then be the token's audience.</param>
    public async Task<LogoutTokenValidationResult> ValidateAsync(string token, string? routeClientId, CancellationToken cancellationToken)
    {
        // Note: the parts are read in place (no Split): the token is the largest string of the request.
        var dots = token.AsSpan().Count('.');
        if (dots == 4)
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.EncryptedToken, "the logout token is a JWE; a signed JWT is required");
        }

        var headerEnd = token.IndexOf('.', StringComparison.Ordinal);
        var payloadEnd = token.LastIndexOf('.');
        if (dots != 2 || !TryParseObject(token.AsSpan(0, headerEnd), out var header)
            || !TryParseObject(token.AsSpan(headerEnd + 1, payloadEnd - headerEnd - 1), out var payload))
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.MalformedToken, "the logout token is not a compact JWS with JSON header and payload");
        }

        using (header)
        using (payload)
        {
            var headerRejection = CheckHeader(header.RootElement, out var alg, out var kid);
            if (headerRejection is { } rejected)
            {
                return rejected;
            }

            var claims = payload.RootElement;
            if (!TryGetString(claims, "iss", out var iss) || registry.FindIssuer(iss) is not { } issuer)
            {
                return LogoutTokenValidationResult.Reject(RejectionReason.UnknownIssuer, "iss is missing or not a configured issuer");
            }

            var signatureRejection = await VerifySignatureAsync(issuer, token, payloadEnd, alg, kid, cancellationToken);
            if (signatureRejection is { } badSignature)
            {
                return badSignature;
            }

            return await ValidateClaimsAsync(issuer, claims.Clone(), routeClientId, cancellationToken);
        }
    }

    private async Task<LogoutTokenValidationResult?> VerifySignatureAsync(
        ConfiguredIssuer issuer, string token, int signedLength, string alg, string? kid, CancellationToken cancellationToken)
    {
        var candidates = await keys.GetKeysAsync(issuer, kid, cancellationToken);
        if (candidates.Count == 0)
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.UnknownKey, "no signing key of the issuer has this kid");
        }

        if (!TryDecode(token.AsSpan(signedLength + 1), out var signature))
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.InvalidSignature, "the signature does not verify");
        }

        var signedBytes = Encoding.ASCII.GetBytes(token, 0, signedLength);
        foreach (var key in candidates)
        {
            if (Verifies(key, alg, signedBytes, signature))
            {
                return null;
            }
        }

        return LogoutTokenValidationResult.Reject(RejectionReason.InvalidSignature, "the signature does not verify");
    }

    internal static bool Verifies(JsonWebKey key, string alg, byte[] signedBytes, byte[] signature)
    {
        // A key that states its algorithm may only verify that algorithm (RFC 7517 §4.4).
        if (!string.IsNullOrEmpty(key.Alg) && !string.Equals(key.Alg, alg, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            var provider = CryptoProviderFactory.Default.CreateForVerifying(key, alg);
            try
            {
                return provider.Verify(signedBytes, signature);
            }
            finally
            {
                CryptoProviderFactory.Default.ReleaseSignatureProvider(provider);
            }
        }
        catch (Exception exception) when (exception is NotSupportedException or ArgumentException or System.Security.Cryptography.CryptographicException or SecurityTokenException)
        {
            return false;
        }
    }

    internal static bool TryParseObject(ReadOnlySpan<char> segment, out JsonDocument document)
    {
        document = null!;
        // Note: text a parser accepts but no string can hold (invalid UTF-8, an escaped lone surrogate) would only
        // throw when read, long after here; the whole segment is checked once instead.
        if (!TryDecode(segment, out var bytes) || ReadableJson.TryParse(bytes, StrictJson) is not { } parsed)
        {
            return false;
        }

        if (parsed.RootElement.ValueKind == JsonValueKind.Object)
        {
            document = parsed;
            return true;
        }

        parsed.Dispose();
        return false;
    }

    internal static bool TryDecode(ReadOnlySpan<char> segment, out byte[] bytes)
    {
        bytes = [];
        if (!IsCanonicalBase64Url(segment))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(segment);
        return true;
    }

    /// <summary>
    /// RFC 7515 §2: base64url without padding or whitespace, and (so that one token has one encoding) the bits of the
    /// last character that encode nothing must be zero. Otherwise several strings would carry the same signature.
    /// </summary>
    private static bool IsCanonicalBase64Url(ReadOnlySpan<char> segment)
    {
        if (segment.Length == 0 || segment.Length % 4 == 1)
        {
            return false;
        }

        foreach (var c in segment)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        var last = segment[^1] switch
        {
            >= 'A' and <= 'Z' and var c => c - 'A',
            >= 'a' and <= 'z' and var c => c - 'a' + 26,
            >= '0' and <= '9' and var c => c - '0' + 52,
            '-' => 62,
            _ => 63,
        };
        return (segment.Length % 4) switch
        {
            2 => (last & 0x0F) == 0,
            3 => (last & 0x03) == 0,
            _ => true,
        };
    }

    private static bool TryGetString(JsonElement element, string name, out string value)
    {
        if (element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String && property.GetString() is { Length: > 0 } text)
        {
            value = text;
            return true;
        }

        value = "";
        return false;
    }
}
