namespace LogoutEnricher.Hosting.Durability;

/// <summary>
/// What LogoutEnricher does when the storage backend would acknowledge writes that a power loss can take
/// (section <c>LogoutEnricher:Durability</c>). A 200 for a capture or a queued logout is meant to be durable.
/// </summary>
public sealed class DurabilityOptions
{
    public const string SectionName = "LogoutEnricher:Durability";

    /// <summary>
    /// Start anyway (with a warning at every start and a Degraded readiness) when LogoutEnricher's own connection
    /// is set to acknowledge before writes are durable (PostgreSQL <c>synchronous_commit=off</c>). Server-wide settings
    /// (PostgreSQL <c>fsync=off</c>, Redis without the append-only file) only warn. Default: false (refuse to start).
    /// </summary>
    public bool AllowNotDurable { get; set; }

    /// <summary>How long readiness reuses the last reading of the backend's durability settings. Positive. Default: 1 minute.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}
