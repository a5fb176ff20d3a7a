using System.Text.Json;

namespace LogoutEnricher.Protocol.BackChannelLogout;

/// <summary>
/// The JOSE header (RFC 7515 §4, RFC 7516 §4, RFC 7519 §5, RFC 7797). Every registered parameter is either understood
/// or ignored on purpose; docs/JOSE-HEADERS.md holds the table, JoseHeaderTests a test per row.
/// </summary>
internal sealed partial class LogoutTokenValidator
{
    private LogoutTokenValidationResult? CheckHeader(JsonElement header, out string alg, out string? kid)
    {
        kid = null;
        if (!TryGetString(header, "alg", out alg!) || !_allowedAlgorithms.Contains(alg))
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.AlgorithmNotAllowed, "alg is missing or not an allowed asymmetric algorithm");
        }

        // RFC 7515 §4.1.11: a recipient that does not understand every extension named in crit must reject the JWS.
        // LogoutEnricher understands none, so any crit is refused; a malformed one is named as such.
        if (header.TryGetProperty("crit", out var crit))
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.CriticalHeaderNotUnderstood, DescribeCrit(crit));
        }

        // A JWE header parameter in a JWS means the sender meant something else than a signed token.
        if (header.TryGetProperty("enc", out _))
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.EncryptedToken, "enc is a JWE header; a signed JWT is required");
        }

        // zip compresses JWE plaintext only (RFC 7516 §4.1.3); b64 (RFC 7797) changes what the signature covers.
        if (header.TryGetProperty("zip", out _) || header.TryGetProperty("b64", out _))
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.UnsupportedHeader, "zip and b64 change how the token is read and are not supported");
        }

        if (header.TryGetProperty("kid", out var keyId))
        {
            if (keyId.ValueKind != JsonValueKind.String || keyId.GetString() is not { Length: > 0 } keyIdText)
            {
                return LogoutTokenValidationResult.Reject(RejectionReason.UnsupportedHeader, "kid must be a non-empty string");
            }

            kid = keyIdText;
        }

        if (header.TryGetProperty("typ", out var typ)
            && (typ.ValueKind != JsonValueKind.String || !IsAcceptedType(typ.GetString()!)))
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.InvalidType, "typ must be absent, JWT or logout+jwt");
        }

        // Note: jku, jwk, x5u, x5c, x5t and x5t#S256 are deliberately ignored: keys come only from the configured
        // issuer's JWKS, chosen by kid. cty, replicated claims (RFC 7519 §5.3) and private parameters carry nothing
        // a logout token needs (RFC 7515 §4: parameters not understood are ignored unless listed in crit).
        return null;
    }

    private static bool IsAcceptedType(string typ) =>
        typ.Equals("JWT", StringComparison.OrdinalIgnoreCase)
        || typ.Equals("logout+jwt", StringComparison.OrdinalIgnoreCase)
        || typ.Equals("application/logout+jwt", StringComparison.OrdinalIgnoreCase);

    private static string DescribeCrit(JsonElement crit)
    {
        if (crit.ValueKind != JsonValueKind.Array || crit.GetArrayLength() == 0)
        {
            return "crit must be a non-empty array of header parameter names (RFC 7515 §4.1.11), and none is understood here";
        }

        foreach (var name in crit.EnumerateArray())
        {
            if (name.ValueKind != JsonValueKind.String || RegisteredHeaderNames.Contains(name.GetString()!))
            {
                return "crit may only name extension header parameters (RFC 7515 §4.1.11), and none is understood here";
            }
        }

        return "crit names an extension that LogoutEnricher does not understand";
    }

    /// <summary>The header parameters of the IANA JOSE registry that RFC 7515 §4.1.11 forbids in crit.</summary>
    private static readonly HashSet<string> RegisteredHeaderNames = new(StringComparer.Ordinal)
    {
        "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc", "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti",
    };
}
