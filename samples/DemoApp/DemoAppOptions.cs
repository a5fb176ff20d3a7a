namespace DemoApp;

/// <summary>The demo application's settings, bound from the configuration section <c>DemoApp</c>.</summary>
public sealed class DemoAppOptions
{
    public const string SectionName = "DemoApp";

    /// <summary>The OpenID provider's issuer, e.g. <c>http://localhost:8080/realms/demo</c>. Required.</summary>
    public string Authority { get; set; } = "";

    /// <summary>
    /// Where the discovery document is read. Default: <c>{Authority}/.well-known/openid-configuration</c>. Set it when
    /// the application reaches the provider under another address than the browser does (e.g. in docker compose).
    /// </summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The OIDC client id. Required.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The OIDC client secret (sent as <c>client_secret_post</c>). Required.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>
    /// LogoutEnricher's token endpoint, e.g. <c>http://localhost:5080/realms/demo/protocol/openid-connect/token</c>:
    /// the authorization code is redeemed there (it forwards to the provider and records the session). Required.
    /// </summary>
    public string TokenEndpoint { get; set; } = "";

    /// <summary>
    /// Where the keys that verify enriched logout tokens are read. Default: none, which means the provider's own key set,
    /// the <c>jwks_uri</c> of its discovery document (for Keycloak the realm certs URL,
    /// <c>{Authority}/protocol/openid-connect/certs</c>): where LogoutEnricher answers at Keycloak's URL, that set holds
    /// its keys too, so the application needs no LogoutEnricher-specific setting. Set it (e.g.
    /// <c>http://localhost:5080/.well-known/jwks.json</c>) for a provider whose key set LogoutEnricher does not serve.
    /// </summary>
    public string? LogoutEnricherJwksUri { get; set; }

    /// <summary>The <c>iss</c> of enriched logout tokens. Default: <see cref="Authority"/> (LogoutEnricher keeps it).</summary>
    public string? LogoutTokenIssuer { get; set; }
}
