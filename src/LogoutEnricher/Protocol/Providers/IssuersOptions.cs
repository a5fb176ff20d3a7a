namespace LogoutEnricher.Protocol.Providers;

/// <summary>
/// The OpenID providers (Keycloak realms) whose logout tokens are accepted, by a name of your choice (section
/// <c>LogoutEnricher:Issuers</c>). Default: none; at least one is required.
/// </summary>
public sealed class IssuersOptions : Dictionary<string, IssuerOptions>
{
    public const string SectionName = "LogoutEnricher:Issuers";

    public IssuersOptions()
        : base(StringComparer.Ordinal)
    {
    }
}
