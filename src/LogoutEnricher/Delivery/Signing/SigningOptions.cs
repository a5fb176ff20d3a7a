namespace LogoutEnricher.Delivery.Signing;

/// <summary>
/// LogoutEnricher's own signing key, its scheduled rotation and the tokens it mints (section
/// <c>LogoutEnricher:Signing</c>). A key file is never rotated.
/// </summary>
public sealed class SigningOptions
{
    public const string SectionName = "LogoutEnricher:Signing";

    /// <summary>RS256, PS256 or ES256. Default: RS256.</summary>
    public string Algorithm { get; set; } = "RS256";

    /// <summary>A PEM private key file to sign with. Default: none; a key is generated once and kept in the store.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The <c>iss</c> of enriched tokens. Default: none, the provider's issuer is kept.</summary>
    public string? Issuer { get; set; }

    /// <summary>Lifetime of an enriched token. Default: 2 min.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a key signs before its successor takes over. Default: 30 days; 00:00:00 turns rotation off.</summary>
    public TimeSpan RotationPeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a new key is published in the JWKS before it signs. It must exceed the longest time an application
    /// caches the JWKS, or it will meet a token signed by a key it has not fetched yet. Default: 2 days.
    /// </summary>
    public TimeSpan PublishBefore { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a key stays in the JWKS after it stopped signing. Default: 1 day (tokens live 2 minutes).</summary>
    public TimeSpan RetiredKeyGrace { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often each replica re-reads the shared key store, so all replicas follow a rotation. Default: 1 min.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
