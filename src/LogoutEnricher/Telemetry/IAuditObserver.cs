namespace LogoutEnricher.Telemetry;

/// <summary>
/// Sees every audit event as <see cref="AuditLog"/> writes it, with the same hashed ids and nothing more; the operator
/// console's recent-logouts trail is one. Called on the request or dispatcher path: implementations must be quick
/// and must not throw.
/// </summary>
internal interface IAuditObserver
{
    void SessionCaptured(string issuer, string clientId, string sidHash, string? subject);

    void LogoutProcessed(string issuer, string clientId, string sidHash, string? subject, int appSessionCount, Logout.LogoutOutcome outcome, TimeSpan elapsed, string trigger);

    void LogoutDelivered(string issuer, string clientId, string sidHash, int appSessionCount, Delivery.DeliveryResult result);
}
