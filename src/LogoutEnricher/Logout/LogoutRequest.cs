using System.Text.Json;
using LogoutEnricher.Providers;

namespace LogoutEnricher.Logout;

/// <summary>
/// One logout for the logout pipeline: which client, whose sessions (<see cref="Sid"/>, else every session of
/// <see cref="Subject"/>), and the claims the application receives. A logout token received from a provider is one
/// source; a logout LogoutEnricher mints itself (the admin API, a Keycloak Admin URL push, a session Keycloak ended
/// silently) is another: it builds its claims with <see cref="LogoutClaims"/> and may add its own (<c>logout_reason</c>).
/// </summary>
/// <param name="Claims">The claims the enriched token carries (a provider's token is kept whole, unknown claims included).</param>
/// <param name="Trigger">What caused it, as the audit event names it: <c>provider</c>, <c>admin</c>, ...</param>
internal sealed record LogoutRequest(ConfiguredClient Client, JsonElement Claims, string? Sid, string? Subject, string Trigger)
{
    public string Issuer => Client.Issuer;

    /// <summary>
    /// The provider's <c>jti</c>, recorded once the logout was accepted so that a resend is refused as a replay; null
    /// for logouts LogoutEnricher mints itself.
    /// </summary>
    public ReplayRecord? Replay { get; init; }
}

/// <param name="Until">When the token expires; the replay cache may forget the <c>jti</c> after that.</param>
internal sealed record ReplayRecord(string Jti, DateTimeOffset Until);
