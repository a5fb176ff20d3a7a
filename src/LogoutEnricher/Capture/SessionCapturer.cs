using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Hosting;
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
    IOptions<LogoutEnricherOptions> options,
    TimeProvider timeProvider,
    AuditLog audit,
    ILogger<SessionCapturer> logger)
{
    /// <returns>False when the exchange concerns no configured client (nothing is recorded).</returns>
    /// <exception cref="StorageUnavailableException">The store failed.</exception>
    public async Task<bool> CaptureAsync(TokenRequest request, TokenResponse response, CancellationToken cancellationToken)
    {
        if (registry.FindClient(response.Issuer, request.ClientId) is not { } client)
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
            protector.Handle(request.AppSessionId, LogoutProcessor.AppSessionPurpose),
            protector.Protect(request.AppSessionId, LogoutProcessor.AppSessionPurpose),
            host);
        var capture = options.Value.Capture;
        var lifetime = response.RefreshExpiresIn is > 0 and long seconds ? TimeSpan.FromSeconds(seconds) : capture.DefaultSessionLifetime;
        var expiresAt = timeProvider.GetUtcNow() + (lifetime < capture.MaxSessionLifetime ? lifetime : capture.MaxSessionLifetime);

        await store.AddAsync(new SessionKey(response.Issuer, client.ClientId, response.Sid), response.Subject, [session], expiresAt, cancellationToken);
        audit.SessionCaptured(response.Issuer, client.ClientId, SidHash.Of(response.Sid), response.Subject);

        return true;
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "client_session_host of client {ClientId} is not on its SessionHosts list and was dropped")]
    private static partial void LogSessionHostDropped(ILogger logger, string clientId);
}
