namespace LogoutEnricher.Protocol.Capture;

public enum CaptureFailurePolicy
{
    /// <summary>The application gets 503 and no tokens when the mapping cannot be stored.</summary>
    Reject,

    /// <summary>The tokens are returned anyway; the failure is logged and counted.</summary>
    Allow,
}

/// <summary>Recording sessions at the token endpoint (section <c>LogoutEnricher:Capture</c>).</summary>
public sealed class CaptureOptions
{
    public const string SectionName = "LogoutEnricher:Capture";

    /// <summary>What happens when the store fails while capturing. Default: <see cref="CaptureFailurePolicy.Reject"/>.</summary>
    public CaptureFailurePolicy FailurePolicy { get; set; } = CaptureFailurePolicy.Reject;

    /// <summary>Mapping lifetime when the token response has no positive <c>refresh_expires_in</c>. Default: 10 h.</summary>
    public TimeSpan DefaultSessionLifetime { get; set; } = TimeSpan.FromHours(10);

    /// <summary>Upper bound of a mapping's lifetime. Default: 30 days.</summary>
    public TimeSpan MaxSessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Largest token request body that is read for capture; larger ones pass through unread. Default: 64 KiB.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Largest token response that is read for capture. Default: 256 KiB.</summary>
    public int MaxResponseBodyBytes { get; set; } = 256 * 1024;
}
