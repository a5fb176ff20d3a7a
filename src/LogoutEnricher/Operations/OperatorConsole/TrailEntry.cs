using LogoutEnricher.Logout;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>A trail row while events still arrive for it; only <see cref="LogoutTrail"/> touches it, under its lock.</summary>
internal sealed class TrailEntry(DateTimeOffset at, string issuer, string clientId, string sidHash)
{
    public DateTimeOffset At { get; } = at;

    public string Issuer { get; } = issuer;

    public string ClientId { get; } = clientId;

    public string SidHash { get; } = sidHash;

    public string? Subject { get; set; }

    /// <summary>The pipeline's outcome of the acceptance, or null before it was audited.</summary>
    public LogoutOutcome? Processed { get; set; }

    public string Trigger { get; set; } = "provider";

    public int AppSessions { get; set; }

    public int Attempts { get; set; }

    public bool? LastSucceeded { get; set; }

    public bool LastTransient { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public TimeSpan? Elapsed { get; set; }

    public TrailOutcome Outcome => (LastSucceeded, Processed) switch
    {
        (true, _) => TrailOutcome.Delivered,
        (false, LogoutOutcome.DeliveryFailed) => TrailOutcome.Failed,
        (false, _) => LastTransient ? TrailOutcome.Retrying : TrailOutcome.Failed,
        (null, LogoutOutcome.Delivered) => TrailOutcome.Delivered,
        (null, LogoutOutcome.DeliveryFailed) => TrailOutcome.Failed,
        _ => TrailOutcome.Queued,
    };

    public TrailRecord ToRecord()
    {
        var latency = DeliveredAt is { } delivered && Processed == LogoutOutcome.Queued ? delivered - At : Outcome == TrailOutcome.Delivered ? Elapsed : null;
        return new TrailRecord(At, Issuer, ClientId, Subject, SidHash, Outcome, Reason, Attempts, AppSessions, latency, Trigger);
    }
}
