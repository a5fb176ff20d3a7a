namespace LogoutEnricher.Hosting;

/// <summary>All settings, bound from the configuration section <c>LogoutEnricher</c>.</summary>
public sealed class LogoutEnricherOptions
{
    public const string SectionName = "LogoutEnricher";

    /// <summary>The OpenID providers (Keycloak realms) whose logout tokens are accepted, by a name of your choice.</summary>
    public Dictionary<string, IssuerOptions> Issuers { get; init; } = new(StringComparer.Ordinal);

    public UpstreamOptions Upstream { get; init; } = new();

    public CaptureOptions Capture { get; init; } = new();

    public LogoutOptions Logout { get; init; } = new();

    public SigningOptions Signing { get; init; } = new();

    public DeliveryOptions Delivery { get; init; } = new();

    public StorageOptions Storage { get; init; } = new();
}
