namespace LogoutEnricher.Delivery;

public enum DeliveryMode
{
    /// <summary>
    /// The logout is written to the durable outbox before the provider gets 200; a dispatcher delivers it with retries,
    /// at least once, across restarts and crashes.
    /// </summary>
    Queued,

    /// <summary>Delivered while the provider waits; 200 only when every delivery got 2xx. Nothing is retried.</summary>
    Synchronous,
}

/// <summary>Delivering enriched logouts to the applications (section <c>LogoutEnricher:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "LogoutEnricher:Delivery";

    /// <summary>Default: <see cref="DeliveryMode.Queued"/>.</summary>
    public DeliveryMode Mode { get; set; } = DeliveryMode.Queued;

    /// <summary>
    /// Timeout of one delivery attempt. In Synchronous mode keep it below Keycloak's 5 s socket timeout. Default: 4 s.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// How long a dispatcher owns the entries it leased. A replica that dies holds its entries this long before another
    /// takes them over. Must exceed <see cref="Timeout"/> with room to spare. Default: 1 min.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Backoff before the first retry; doubles with each attempt, with full jitter. Default: 1 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the backoff between two attempts (a longer <c>Retry-After</c> is still honoured). Default: 5 min.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a logout is retried after it was accepted; after that it becomes a dead letter. Default: 24 h.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How often the dispatcher looks for due entries when nothing woke it (a logout accepted by this replica wakes it
    /// at once). Default: 1 s.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most logout requests sent to one client (application) at a time, per replica. Default: 16 (Keycloak itself would
    /// open up to 64 connections to an application, see <see cref="MaxConnectionsPerApplication"/>); a mass logout is
    /// delivered about as fast as the application answers this many requests at once.
    /// </summary>
    public int MaxParallelismPerClient { get; set; } = 16;

    /// <summary>
    /// A stable name of this replica (e.g. the StatefulSet pod name, or any fixed name for the single instance of an
    /// embedded SQLite deployment), unique among the replicas sharing a store. When set, the dispatcher leases under it
    /// and, when it starts, takes back at once the leases it held when it died, instead of leaving them to expire after
    /// <see cref="LeaseDuration"/>. Two running replicas must never share it. Default: none, and then an id persisted
    /// in the data directory (<c>replica-id</c> beside the SQLite file, or <c>data/replica-id</c> under the content
    /// root with the machine name in front), held by one process at a time; a second process on the same directory
    /// gets a random identity per start, whose entries wait for their leases to expire after a crash.
    /// </summary>
    public string? ReplicaId { get; set; }

    /// <summary>
    /// Most outbox entries this replica holds leased at a time, all clients together (one client at most half of them);
    /// also the largest lease batch. Only <see cref="MaxParallelismPerClient"/> per application are sent at once; the
    /// others wait for their turn or for the write that completes them, so that a mass logout's writes share commits.
    /// Default: 256.
    /// </summary>
    public int MaxParallelism { get; set; } = 256;

    /// <summary>
    /// Most connections open to one application (scheme, host and port), per replica, in both modes. Further
    /// deliveries wait for a free connection within their <see cref="Timeout"/>. This bounds what a burst of logouts
    /// in Synchronous mode (one inline delivery per logout Keycloak sends) can open against an application. Default: 64,
    /// the per-route pool of Keycloak's own outgoing HTTP client (<c>max-pooled-per-route</c>), so an application
    /// behind LogoutEnricher sees no more connections than Keycloak would open to it.
    /// </summary>
    public int MaxConnectionsPerApplication { get; set; } = 64;
}
