namespace LogoutEnricher.Protocol.Capture;

/// <summary>
/// Which issuers a token endpoint route may capture for. The token response is read without verifying signatures
/// (it comes from the upstream LogoutEnricher called), so its <c>iss</c> is only believed when it belongs to the
/// upstream that served the route: a provider behind one route must not write mappings under another's issuer.
/// </summary>
/// <param name="ExactIssuer">For a provider's own <c>TokenPath</c>: its configured issuer.</param>
/// <param name="Realm">For Keycloak's route: the realm of the path; the issuer must end with <c>/realms/{realm}</c>.</param>
internal sealed record IssuerScope(string? ExactIssuer, string? Realm)
{
    public static IssuerScope ForIssuer(string issuer) => new(issuer, null);

    public static IssuerScope ForKeycloakRealm(string realm) => new(null, realm);

    public bool Allows(string issuer) => ExactIssuer is not null
        ? string.Equals(issuer, ExactIssuer, StringComparison.Ordinal)
        : Realm is { Length: > 0 } && issuer.EndsWith("/realms/" + Realm, StringComparison.Ordinal);
}
