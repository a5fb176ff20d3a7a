using System.Security.Cryptography;
using LogoutEnricher.Delivery;
using LogoutEnricher.Security;
using LogoutEnricher.Storage;

namespace LogoutEnricher.BackChannelLogout;

/// <summary>The outcome of one accepted logout.</summary>
internal sealed record LogoutOutcome(bool Delivered, int AppSessionCount, IReadOnlyList<DeliveryResult> Deliveries);

/// <summary>
/// Turns a validated logout token into deliveries: resolves the application's sessions, delivers, and only then
/// records the <c>jti</c> and forgets the delivered sessions.
/// </summary>
internal sealed partial class LogoutProcessor(
    ISessionStore sessions,
    IReplayCache replayCache,
    SecretProtector protector,
    LogoutDeliverer deliverer,
    ILogger<LogoutProcessor> logger)
{
    public const string AppSessionPurpose = "app-session";

    public async Task<LogoutOutcome> ProcessAsync(ValidatedLogoutToken token, CancellationToken cancellationToken)
    {
        var mappings = await ResolveAsync(token, cancellationToken);
        var deliveries = PlanDeliveries(token, mappings);
        var results = await Task.WhenAll(deliveries.Select(d => deliverer.DeliverAsync(token.Client, token, d, cancellationToken)));
        var delivered = Array.TrueForAll(results, r => r.Succeeded);
        var count = deliveries.Sum(d => d.AppSessionIds.Count);

        if (delivered)
        {
            // Note: the jti is recorded only now, so that a provider's resend after a failed delivery is not a replay.
            await replayCache.TryAddAsync(token.Issuer, token.Jti, token.ReplayUntil, cancellationToken);
            foreach (var mapping in mappings)
            {
                await sessions.RemoveAsync(mapping.Key, mapping.AppSessions.Select(s => s.Handle).ToArray(), cancellationToken);
            }
        }

        return new LogoutOutcome(delivered, count, results);
    }

    private async Task<IReadOnlyList<SessionMapping>> ResolveAsync(ValidatedLogoutToken token, CancellationToken cancellationToken)
    {
        if (token.Sid is not null)
        {
            var mapping = await sessions.FindAsync(new SessionKey(token.Issuer, token.Client.ClientId, token.Sid), cancellationToken);
            return mapping is null ? [] : [mapping];
        }

        // No sid: BCL 1.0 §2.4 means every session of the subject at this client.
        return await sessions.FindBySubjectAsync(token.Issuer, token.Client.ClientId, token.Subject!, cancellationToken);
    }

    private List<LogoutDelivery> PlanDeliveries(ValidatedLogoutToken token, IReadOnlyList<SessionMapping> mappings)
    {
        var byHost = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var withoutHost = new List<string>();
        var perNode = token.Client.LogoutUrl.Contains(SessionHostPlaceholder.Token, StringComparison.Ordinal);
        foreach (var session in mappings.SelectMany(m => m.AppSessions))
        {
            if (!TryUnprotect(session, out var id))
            {
                continue;
            }

            // A host captured before it was removed from the allow-list is never contacted.
            if (perNode && session.Host is not null && token.Client.AllowsSessionHost(session.Host))
            {
                CollectionsMarshalGet(byHost, session.Host).Add(id);
            }
            else
            {
                withoutHost.Add(id);
            }
        }

        var plan = byHost.Select(pair => new LogoutDelivery(pair.Key, pair.Value)).ToList();
        if (!perNode)
        {
            // Even with nothing mapped the application is told, with an empty list: the user did log out.
            plan.Add(new LogoutDelivery(null, withoutHost));
        }
        else if (withoutHost.Count > 0)
        {
            LogSessionsWithoutHost(logger, token.Client.ClientId, withoutHost.Count);
        }

        return plan;
    }

    private bool TryUnprotect(AppSession session, out string id)
    {
        try
        {
            id = protector.UnprotectString(session.ProtectedId, AppSessionPurpose);
            return true;
        }
        catch (CryptographicException)
        {
            LogUndecryptableSession(logger);
            id = "";
            return false;
        }
    }

    private static List<string> CollectionsMarshalGet(Dictionary<string, List<string>> map, string key)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        return list;
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "An application session could not be decrypted (was the encryption key changed without keeping the previous one?)")]
    private static partial void LogUndecryptableSession(ILogger logger);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "{Count} sessions of client {ClientId} have no allowed session host and its logout URL is per node; they cannot be delivered")]
    private static partial void LogSessionsWithoutHost(ILogger logger, string clientId, int count);
}
