namespace LogoutEnricher.Protocol.AdminUrl;

/// <summary>
/// Why an Admin URL push was refused (nothing was done). The names appear in the <c>error_description</c>, logs and the
/// <c>reason</c> tag of <c>logoutenricher.keycloak_admin_pushes</c>: never rename one.
/// </summary>
public enum AdminPushRejection
{
    /// <summary>The body is not <c>text/plain</c> (Keycloak sends <c>text/plain; charset=ISO-8859-1</c>).</summary>
    UnsupportedContentType,

    /// <summary>The body exceeds <c>KeycloakAdminPush:MaxRequestBodyBytes</c>.</summary>
    BodyTooLarge,

    /// <summary>The client of the path is not configured under any issuer.</summary>
    UnknownClient,

    /// <summary>Not a compact JWS with JSON header and payload, or a member has the wrong type.</summary>
    MalformedAction,

    /// <summary><c>alg</c> is missing or not an allowed asymmetric algorithm (HS*, <c>none</c>).</summary>
    AlgorithmNotAllowed,

    /// <summary>No key of the client's issuer has the action's <c>kid</c>.</summary>
    UnknownKey,

    /// <summary>The signature does not verify with the issuer's key.</summary>
    InvalidSignature,

    /// <summary><c>expiration</c> is missing or has passed.</summary>
    Expired,

    /// <summary><c>resource</c> is not the client of the path.</summary>
    ResourceMismatch,

    /// <summary><c>action</c> does not match the path (<c>k_logout</c> = LOGOUT, <c>k_push_not_before</c> = PUSH_NOT_BEFORE).</summary>
    ActionMismatch,

    /// <summary><c>id</c> is missing.</summary>
    MissingId,

    /// <summary>The body's HTTP framing is broken (chunked encoding) or it did not arrive in time.</summary>
    MalformedRequest,

    /// <summary>The issuer's keys cannot be read now (the provider is down or answers nonsense): answered 400 temporarily_unavailable.</summary>
    ProviderUnavailable,

    /// <summary>The store could not take the work (answered 503; Keycloak does not resend, so this is logged loudly).</summary>
    StoreUnavailable,
}
