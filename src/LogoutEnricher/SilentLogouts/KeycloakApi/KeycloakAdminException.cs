namespace LogoutEnricher.SilentLogouts.KeycloakApi;

/// <summary>
/// Keycloak's Admin API did not give a usable answer (timeout, connection error, 401 after a renewal, 403, 5xx, a body
/// that is not the expected JSON). Callers take it as "no decision": nothing is ended on it. The message is safe to
/// log (no token, no secret) and says what to check.
/// </summary>
internal sealed class KeycloakAdminException(string message, int? statusCode = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status Keycloak answered, or null when no response came.</summary>
    public int? StatusCode { get; } = statusCode;
}
