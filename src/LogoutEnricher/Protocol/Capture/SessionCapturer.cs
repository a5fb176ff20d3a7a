using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Protocol.BackChannelLogout;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.Capture;

/// <summary>Records (issuer, client, sid) → application session id from one successful token exchange.</summary>
internal sealed partial class SessionCapturer(
    IssuerRegistry registry,
    ProtectedSessionStore store,
    SecretProtector protector,
    IOptions<CaptureOptions> options,
    TimeProvider timeProvider,
    AuditLog audit,
    ILogger<SessionCapturer> logger)
{
    private static readonly TimeSpan MinimumExtension = TimeSpan.FromMinutes(1);

    /// <returns>False when the exchange concerns no configured client, or the request's clients disagree with the one
    /// the tokens were issued to (nothing is recorded).</returns>
    /// <exception cref="StorageUnavailableException">The store failed.</exception>
    public async Task<bool> CaptureAsync(TokenRequest request, TokenResponse response, CancellationToken cancellationToken)
    {
        if (request.AgreedClient(response.ClientId) is not { } clientId || registry.FindClient(response.Issuer, clientId) is not { } client)
        {
            return false;
        }

        var key = new SessionKey(response.Issuer, client.ClientId, response.Sid);
        if (request.AppSessionId is not { } appSessionId)
        {
            return await ExtendAsync(key, response, cancellationToken);
        }

        // Like Keycloak since CVE-2026-4874: a node not on the client's list is never kept, so never contacted.
        var host = request.SessionHost is { } requested && client.AllowsSessionHost(requested) ? requested : null;
        if (request.SessionHost is not null && host is null)
        {
            LogSessionHostDropped(logger, client.ClientId);
        }

        var session = new AppSession(
            protector.Handle(appSessionId, ProtectionPurposes.AppSession),
            protector.Protect(appSessionId, ProtectionPurposes.AppSession),
            host);
        await store.AddAsync(key, response.Subject, [session], timeProvider.GetUtcNow() + Lifetime(response), cancellationToken);
        audit.SessionCaptured(response.Issuer, client.ClientId, SidHash.Of(response.Sid), response.Subject);

        return true;
    }

    /// <summary>
    /// A refresh keeps the SSO session alive at the provider, so the mapping lives as long: its expiry moves to the
    /// refresh token's. Without this a user active for longer than the first refresh token's lifetime (SSO Session Idle,
    /// 30 minutes by default) would have no mapping left when the logout comes.
    /// </summary>
    /// <returns>True when a mapping was there to extend.</returns>
    private async Task<bool> ExtendAsync(SessionKey key, TokenResponse response, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(key, cancellationToken) is not { } mapping)
        {
            return false;
        }

        // Note: one durable write per refresh at most, and none when the expiry would move by less than a minute (or
        // half the lifetime, when that is shorter): refreshes in a burst cost one write, and none is ever late by more.
        var lifetime = Lifetime(response);
        var expiresAt = timeProvider.GetUtcNow() + lifetime;
        if (expiresAt - mapping.ExpiresAt >= (lifetime / 2 < MinimumExtension ? lifetime / 2 : MinimumExtension))
        {
            await store.AddAsync(key, response.Subject, [], expiresAt, cancellationToken);
        }

        return true;
    }

    /// <summary>How long the mapping lives: the refresh token's lifetime, else the default, never beyond the maximum.</summary>
    private TimeSpan Lifetime(TokenResponse response)
    {
        var capture = options.Value;
        // Note: compared in seconds first; TimeSpan.FromSeconds overflows far below long.MaxValue.
        var lifetime = response.RefreshExpiresIn is > 0 and long seconds
            ? seconds < capture.MaxSessionLifetime.TotalSeconds ? TimeSpan.FromSeconds(seconds) : capture.MaxSessionLifetime
            : capture.DefaultSessionLifetime;
        return lifetime < capture.MaxSessionLifetime ? lifetime : capture.MaxSessionLifetime;
    }

    [LoggerMessage(EventId = EventIds.SessionHostDropped, EventName = nameof(EventIds.SessionHostDropped), Level = LogLevel.Warning, Message = "client_session_host of client {ClientId} is not on its SessionHosts list and was dropped")]
    private static partial void LogSessionHostDropped(ILogger logger, string clientId);
}
