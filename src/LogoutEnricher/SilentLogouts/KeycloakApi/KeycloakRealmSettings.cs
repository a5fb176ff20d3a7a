using LogoutEnricher.Protocol.Providers;

namespace LogoutEnricher.SilentLogouts.KeycloakApi;

/// <summary>One realm's Admin API access, resolved from the options: addresses, client and where its secret is.</summary>
internal sealed class KeycloakRealmSettings
{
    public KeycloakRealmSettings(string name, IssuerOptions issuer, KeycloakAdminRealmOptions realm, KeycloakAdminOptions options)
    {
        Name = name;
        Issuer = issuer.Issuer;
        var marker = issuer.Issuer.LastIndexOf("/realms/", StringComparison.Ordinal);
        Realm = realm.Realm ?? (marker >= 0 ? issuer.Issuer[(marker + "/realms/".Length)..].TrimEnd('/') : issuer.Issuer);
        var baseUrl = realm.BaseUrl?.ToString().TrimEnd('/') ?? issuer.Issuer[..Math.Max(marker, 0)];
        var escaped = Uri.EscapeDataString(Realm);
        TokenEndpoint = new Uri($"{baseUrl}/realms/{escaped}/protocol/openid-connect/token");
        AdminBase = $"{baseUrl}/admin/realms/{escaped}";
        ClientId = realm.ClientId;
        _secret = realm.ClientSecret;
        _secretFile = realm.ClientSecretFile;
        RenewalMargin = options.TokenRenewalMargin;
    }

    private readonly string? _secret;
    private readonly string? _secretFile;

    /// <summary>The key of the issuer under <c>LogoutEnricher:Issuers</c>.</summary>
    public string Name { get; }

    public string Issuer { get; }

    public string Realm { get; }

    public Uri TokenEndpoint { get; }

    /// <summary><c>{base}/admin/realms/{realm}</c>, without a trailing slash.</summary>
    public string AdminBase { get; }

    public string ClientId { get; }

    public TimeSpan RenewalMargin { get; }

    /// <summary>The secret, from configuration or read from its file now (so a rotated file takes effect).</summary>
    public string ReadSecret() => _secret ?? File.ReadAllText(_secretFile!).Trim();
}
