namespace LogoutEnricher.Delivery;

/// <summary>One POST to one application endpoint: the ids of one node (or of all, without per-node routing).</summary>
/// <param name="Host">The <c>client_session_host</c> this delivery goes to, or null for the plain URL.</param>
internal sealed record LogoutDelivery(string? Host, IReadOnlyList<string> AppSessionIds);

/// <summary>What one delivery attempt came to.</summary>
/// <param name="StatusCode">The application's HTTP status, or null when no response came.</param>
/// <param name="Error">Why it failed without a response (timeout, connection refused), safe to log.</param>
internal sealed record DeliveryResult(bool Succeeded, int? StatusCode, string? Error, TimeSpan Elapsed);
