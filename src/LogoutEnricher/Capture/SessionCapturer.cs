using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Providers;
using LogoutEnricher.Security;
using LogoutEnricher.Storage;
using LogoutEnricher.Telemetry;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Capture;

/// <summary>Records (issuer, client, sid) → application session id from one successful token exchange.</summary>
internal sealed partial class SessionCapturer(
    IssuerRegistry registry,
    ISessionStore store,
    SecretProtector protector,
    IOptions<CaptureOptions> options,
    TimeProvider timeProvider,
    AuditLog audit,
    ILogger<SessionCapturer> logger)
{
    /// <returns>False when the exchange concerns no configured client, or the request's clients disagree with the one
    /// the tokens were issued to (nothing is recorded).</returns>
    /// <exception cref="StorageUnavailableException">The store failed.</exception>
    public async Task<bool> CaptureAsync(TokenRequest request, TokenResponse response, CancellationToken cancellationToken)
    {
        if (request.AgreedClient(response.ClientId) is not { } clientId || registry.FindClient(response.Issuer, clientId) is not { } client)
        {
            return false;
        }

        // Like Keycloak since CVE-2026-4874: a node not on the client's list is never kept, so never contacted.
        var host = request.SessionHost is { } requested && client.AllowsSessionHost(requested) ? requested : null;
        if (request.SessionHost is not null && host is null)
        {
            LogSessionHostDropped(logger, client.ClientId);
        }

        var session = new AppSession(
            protector.Handle(request.AppSessionId, ProtectionPurposes.AppSession),
            protector.Protect(request.AppSessionId, ProtectionPurposes.AppSession),
            host);
        var capture = options.Value;
        // Note: compared in seconds first; TimeSpan.FromSeconds overflows far below long.MaxValue.
        var lifetime = response.RefreshExpiresIn is > 0 and long seconds
            ? seconds < capture.MaxSessionLifetime.TotalSeconds ? TimeSpan.FromSeconds(seconds) : capture.MaxSessionLifetime
            : capture.DefaultSessionLifetime;
        var expiresAt = timeProvider.GetUtcNow() + (lifetime < capture.MaxSessionLifetime ? lifetime : capture.MaxSessionLifetime);

        await store.AddAsync(new SessionKey(response.Issuer, client.ClientId, response.Sid), response.Subject, [session], expiresAt, cancellationToken);
        audit.SessionCaptured(response.Issuer, client.ClientId, SidHash.Of(response.Sid), response.Subject);

        return true;
    }

    [LoggerMessage(EventId = EventIds.SessionHostDropped, EventName = nameof(EventIds.SessionHostDropped), Level = LogLevel.Warning, Message = "client_session_host of client {ClientId} is not on its SessionHosts list and was dropped")]
    private static partial void LogSessionHostDropped(ILogger logger, string clientId);
}
