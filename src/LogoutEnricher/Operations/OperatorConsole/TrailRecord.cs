namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>Where one logout to one application stands.</summary>
internal enum TrailOutcome
{
    /// <summary>Accepted and durably queued; no delivery attempt finished yet.</summary>
    Queued,

    /// <summary>An attempt failed transiently (no answer, 408, 429, 5xx); the dispatcher tries again.</summary>
    Retrying,

    /// <summary>The application answered 2xx.</summary>
    Delivered,

    /// <summary>Failed for good (a dead letter in Queued mode, the provider told in Synchronous mode).</summary>
    Failed,
}

/// <summary>
/// One row of the recent-logouts trail: which logout (client, subject, sid hash; never a raw id or token), how it
/// went, why, after how many attempts and how long.
/// </summary>
/// <param name="At">When the logout was accepted (or its first delivery attempt ended).</param>
/// <param name="Subject">The token's <c>sub</c>, or null when it had none.</param>
/// <param name="SidHash">The hashed <c>sid</c> (see <c>SidHash</c>), or "-".</param>
/// <param name="Reason">The last failure (HTTP status or error name), or null.</param>
/// <param name="Latency">From acceptance to the delivery that succeeded (or to the answer, inline), or null.</param>
/// <param name="Trigger">provider (a received logout token) or admin (sent by hand).</param>
internal sealed record TrailRecord(
    DateTimeOffset At,
    string Issuer,
    string ClientId,
    string? Subject,
    string SidHash,
    TrailOutcome Outcome,
    string? Reason,
    int Attempts,
    int AppSessions,
    TimeSpan? Latency,
    string Trigger);
