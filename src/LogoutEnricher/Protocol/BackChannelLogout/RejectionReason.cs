namespace LogoutEnricher.Protocol.BackChannelLogout;

/// <summary>
/// Why a back-channel logout request was refused. The names appear verbatim in the 400 body's
/// <c>error_description</c>, in logs and in metrics, so they are part of the contract: never rename one.
/// </summary>
public enum RejectionReason
{
    /// <summary>The body is not <c>application/x-www-form-urlencoded</c>.</summary>
    UnsupportedContentType,

    /// <summary>The body exceeds <c>Logout:MaxRequestBodyBytes</c>.</summary>
    BodyTooLarge,

    /// <summary>The form cannot be read.</summary>
    MalformedRequest,

    /// <summary>No <c>logout_token</c> field.</summary>
    MissingLogoutToken,

    /// <summary>More than one <c>logout_token</c> field.</summary>
    DuplicateLogoutToken,

    /// <summary>A JWE (five parts): logout tokens are signed, never encrypted.</summary>
    EncryptedToken,

    /// <summary>Not a compact JWS, or its header or payload is not a JSON object.</summary>
    MalformedToken,

    /// <summary><c>alg</c> is missing or not on the allow-list (<c>none</c> and HS* never are).</summary>
    AlgorithmNotAllowed,

    /// <summary>Header <c>typ</c> is neither absent, <c>JWT</c> nor <c>logout+jwt</c>.</summary>
    InvalidType,

    /// <summary><c>iss</c> is missing or not a configured issuer.</summary>
    UnknownIssuer,

    /// <summary>No key of the issuer's JWKS has the token's <c>kid</c>, even after a refresh.</summary>
    UnknownKey,

    /// <summary>The signature does not verify.</summary>
    InvalidSignature,

    /// <summary><c>aud</c> is missing or names no configured client of the issuer.</summary>
    UnknownAudience,

    /// <summary>The client in the URL path is not in <c>aud</c>, or <c>aud</c> names several configured clients.</summary>
    AudienceMismatch,

    /// <summary><c>iat</c> is missing or not a number.</summary>
    MissingIssuedAt,

    /// <summary><c>iat</c> is later than now plus the clock skew.</summary>
    IssuedInFuture,

    /// <summary><c>exp</c> is missing (and old tokens are not allowed) or not a number.</summary>
    MissingExpiration,

    /// <summary><c>exp</c> has passed, or (without <c>exp</c>) <c>iat</c> is older than the maximum token age.</summary>
    Expired,

    /// <summary><c>jti</c> is missing or not a string.</summary>
    MissingJti,

    /// <summary>The <c>jti</c> was accepted before.</summary>
    Replayed,

    /// <summary><c>events</c> is missing or lacks the back-channel logout event with an object value.</summary>
    InvalidEvents,

    /// <summary>Neither <c>sub</c> nor <c>sid</c>, or one of them is not a string.</summary>
    MissingSubjectAndSession,

    /// <summary>A <c>nonce</c> claim is present (BCL 1.0 §2.4 forbids it).</summary>
    NoncePresent,

    /// <summary>The header has <c>crit</c> (RFC 7515 §4.1.11): it names an extension LogoutEnricher does not understand
    /// (it understands none), or it is not a non-empty array of extension names.</summary>
    CriticalHeaderNotUnderstood,

    /// <summary>A header parameter that changes how the token is read (<c>zip</c>, <c>b64</c>), or a <c>kid</c>
    /// that is not a non-empty string.</summary>
    UnsupportedHeader,

    /// <summary>The body did not arrive within Kestrel's minimum data rate.</summary>
    BodyTimeout,
}
