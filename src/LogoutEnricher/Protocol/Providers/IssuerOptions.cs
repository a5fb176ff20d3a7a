namespace LogoutEnricher.Protocol.Providers;

/// <summary>One OpenID provider (for Keycloak: one realm).</summary>
public sealed class IssuerOptions
{
    /// <summary>The exact <c>iss</c> value, e.g. <c>http://keycloak:8080/realms/demo</c>. Required.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>
    /// Where the discovery document is read. Default: <c>{Issuer}/.well-known/openid-configuration</c>. Set it when
    /// the sidecar reaches the provider under another address than the public issuer (e.g. inside a cluster).
    /// </summary>
    public Uri? MetadataAddress { get; set; }

    /// <summary>
    /// The upstream token endpoint for a provider that does not use Keycloak's layout. Default: none; Keycloak's
    /// <c>/realms/{realm}/protocol/openid-connect/token</c> is forwarded to <c>Upstream:BaseUrl</c>.
    /// </summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>The local path that forwards to <see cref="TokenEndpoint"/>, e.g. <c>/oidc/token</c>. Required with it.</summary>
    public string? TokenPath { get; set; }

    /// <summary>The applications of this provider, by client id.</summary>
    public Dictionary<string, ClientOptions> Clients { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>One application (OIDC client) that receives enriched logouts.</summary>
public sealed class ClientOptions
{
    /// <summary>
    /// The client id when it cannot be written as a configuration key (it contains ':'). Default: the key.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Where the enriched logout goes: the application's back-channel logout URL, or for
    /// <see cref="LogoutFormat.KeycloakAdmin"/> its Admin URL (<c>/k_logout</c> is appended). May contain
    /// <c>${application.session.host}</c> for per-node delivery. Required.
    /// </summary>
    public string LogoutUrl { get; set; } = "";

    /// <summary>How the logout is delivered. Default: <see cref="LogoutFormat.BackChannel"/>.</summary>
    public LogoutFormat Format { get; set; } = LogoutFormat.BackChannel;

    /// <summary>
    /// The <c>client_session_host</c> values (host or host:port) that may be captured and contacted. Default: none;
    /// a host not on this list is dropped at capture and never contacted.
    /// </summary>
    public List<string> SessionHosts { get; init; } = [];

    /// <summary>
    /// With a per-node <see cref="LogoutUrl"/>: where the ids captured without an allowed <c>client_session_host</c>
    /// go (a URL without the placeholder, e.g. the application's load balancer). Default: none; such ids are logged
    /// as undeliverable and their sessions live on until they expire.
    /// </summary>
    public string? FallbackLogoutUrl { get; set; }
}

public enum LogoutFormat
{
    /// <summary>OIDC Back-Channel Logout: form POST of <c>logout_token</c>.</summary>
    BackChannel,

    /// <summary>Keycloak's legacy Admin URL logout: a signed <c>LogoutAction</c> POSTed to <c>{url}/k_logout</c>.</summary>
    KeycloakAdmin,
}
