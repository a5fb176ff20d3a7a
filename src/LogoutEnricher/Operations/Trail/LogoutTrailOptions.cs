namespace LogoutEnricher.Operations.Trail;

/// <summary>
/// The durable logout trail (one record per logout and per delivery attempt, in the configured store), bound from
/// <c>LogoutEnricher:Trail</c>. The console and <c>GET {Admin:PathPrefix}/logouts</c> read it.
/// </summary>
public sealed class LogoutTrailOptions
{
    public const string SectionName = "LogoutEnricher:Trail";

    /// <summary>How long a logout and its attempts are kept. Default: 7.00:00:00; at most 30 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>At most this many logouts are kept; the oldest go first. Default: 100000.</summary>
    public int MaxRecords { get; set; } = 100_000;

    /// <summary>How often the trail is purged by age and count. Default: 00:10:00.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Trail writes waiting for the store, beyond which new ones are dropped (and counted, event 10040) rather than slow a
    /// logout down. Default: 10000.
    /// </summary>
    public int QueueCapacity { get; set; } = 10_000;
}
