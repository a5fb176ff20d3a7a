using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Delivery;

/// <summary>One POST to one application endpoint: the ids of one node (or of all, without per-node routing).</summary>
/// <param name="Host">The <c>client_session_host</c> this delivery goes to, or null for the URL without a host.</param>
/// <param name="AppSessionIds">The application's own session ids, in clear: never logged, only encrypted at rest.</param>
/// <param name="Removals">The mapping entries (key and session handles) to forget once this delivery succeeded.</param>
/// <param name="Action">
/// Set for a Keycloak Admin URL action forwarded as such (the notBefore <c>LogoutAction</c> of a sign-out-all, or a
/// <c>PushNotBeforeAction</c>) instead of a per-session logout; only for <see cref="Providers.LogoutFormat.KeycloakAdmin"/> clients.
/// </param>
internal sealed record LogoutDelivery(string? Host, IReadOnlyList<string> AppSessionIds, IReadOnlyList<MappingRemoval> Removals, KeycloakAdminAction? Action = null)
{
    public LogoutDelivery(string? host, IReadOnlyList<string> appSessionIds)
        : this(host, appSessionIds, [])
    {
    }
}

/// <summary>Session handles of one mapping that a delivery covers.</summary>
internal sealed record MappingRemoval(SessionKey Key, IReadOnlyList<string> Handles);

/// <summary>Which logout of the trail a delivery attempt belongs to, and how to number it there.</summary>
/// <param name="TrailId">The logout's trail id (carried in the outbox payload, or given inline).</param>
/// <param name="Sequence">Unique per attempt within the logout: the outbox entry id (or delivery index inline) and the attempt number.</param>
/// <param name="Number">The attempt number of this delivery, from 1.</param>
/// <param name="MayRetry">Whether a transient failure is tried again (queued and not expired); otherwise it fails the logout.</param>
internal sealed record DeliveryTrail(string TrailId, string Sequence, int Number, bool MayRetry);

/// <summary>What one delivery attempt came to.</summary>
/// <param name="StatusCode">The application's HTTP status, or null when no response came.</param>
/// <param name="Error">Why it failed without a response (timeout, connection refused), safe to log.</param>
/// <param name="RetryAfter">The application's <c>Retry-After</c>, when it sent one.</param>
internal sealed record DeliveryResult(bool Succeeded, int? StatusCode, string? Error, TimeSpan Elapsed, TimeSpan? RetryAfter = null)
{
    /// <summary>
    /// Worth another attempt: no response (connect error, timeout), 408, 429 or 5xx. Anything else (other 4xx, 3xx)
    /// will not change by itself and goes to the dead letters at once.
    /// </summary>
    public bool IsTransient => !Succeeded && StatusCode is null or 408 or 429 or >= 500;

    /// <summary>Status or error name, for logs and the outbox's last error; never content.</summary>
    public string Describe() => StatusCode is { } code ? $"HTTP {code}" : Error ?? "unknown";
}
