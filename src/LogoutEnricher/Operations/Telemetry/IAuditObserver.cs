namespace LogoutEnricher.Operations.Telemetry;

/// <summary>
/// Sees every audit event as <see cref="AuditLog"/> writes it, with the same hashed ids and nothing more; the operator
/// console's recent-logouts trail is one. Called on the request or dispatcher path: implementations must be quick
/// and must not throw.
/// </summary>
internal interface IAuditObserver
{
    void SessionCaptured(string issuer, string clientId, string sidHash, string? subject);

    void LogoutProcessed(ProcessedLogout logout);

    void LogoutDelivered(DeliveredAttempt attempt);
}

/// <summary>One delivery attempt as the audit event names it.</summary>
/// <param name="Trail">Which logout of the trail it belongs to, or null (a forwarded Admin URL action, an entry queued before the trail existed).</param>
internal sealed record DeliveredAttempt(string Issuer, string ClientId, string SidHash, int AppSessionCount, Delivery.DeliveryResult Result, Delivery.DeliveryTrail? Trail);

/// <summary>One logout as the audit event names it: hashed ids only.</summary>
/// <param name="Source">Where it came from; the audit event's <c>Trigger</c>.</param>
/// <param name="Reason">The <c>logout_reason</c> of a logout LogoutEnricher started itself, or null.</param>
/// <param name="TrailId">The logout's id in the trail, carried by each of its deliveries.</param>
/// <param name="AcceptedAt">When the pipeline took it.</param>
internal sealed record ProcessedLogout(
    string Issuer, string ClientId, string SidHash, string? Subject, int AppSessionCount, Logout.LogoutOutcome Outcome, TimeSpan Elapsed, Logout.LogoutSource Source, string? Reason,
    string TrailId, DateTimeOffset AcceptedAt)
{
    /// <summary>The source, with the reason when there is one: <c>reconciliation: session_expiration</c>.</summary>
    public string Trigger => Reason is null ? Logout.LogoutSourceNames.Name(Source) : $"{Logout.LogoutSourceNames.Name(Source)}: {Reason}";
}
