namespace LogoutEnricher.Protocol.Capture;

/// <summary>Where token requests are forwarded (section <c>LogoutEnricher:Upstream</c>).</summary>
public sealed class UpstreamOptions
{
    public const string SectionName = "LogoutEnricher:Upstream";

    /// <summary>Keycloak's base URL as the sidecar reaches it, e.g. <c>http://keycloak:8080</c>. Default: none.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>Keycloak's relative path (<c>/auth</c> for Keycloak 16 and older). Default: none.</summary>
    public string RelativePath { get; set; } = "";

    /// <summary>Forward every other path too, so the sidecar can be Keycloak's only ingress. Default: false.</summary>
    public bool FrontDoor { get; set; }

    /// <summary>Timeout of one forwarded request. Default: 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
