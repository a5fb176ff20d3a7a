using System.Security.Cryptography;
using LogoutEnricher.Delivery.Formats;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Delivery;

/// <summary>
/// Splits the sessions a logout resolved into deliveries: one per allowed <c>client_session_host</c> when the
/// client's URL is per node, plus one for the ids without a host (to the plain or the fallback URL).
/// </summary>
internal sealed partial class LogoutPlanner(SecretProtector protector, LogoutFormats formats, ILogger<LogoutPlanner> logger)
{
    /// <summary>
    /// The deliveries of a Keycloak Admin URL action forwarded as such: none when the client's format does not forward
    /// actions; else one per node the client may have (each allowed session host, and the fallback URL), or one.
    /// </summary>
    public IReadOnlyList<LogoutDelivery> PlanAction(ConfiguredClient client, KeycloakAdminAction action)
    {
        if (!formats.For(client).ForwardsAdminActions)
        {
            return [];
        }

        IEnumerable<string?> hosts = client.IsPerNode ? [.. client.SessionHosts, .. client.FallbackLogoutUrl is null ? Array.Empty<string?>() : [null]] : [null];
        return [.. hosts.Select(host => new LogoutDelivery(host, [], [], action))];
    }

    public IReadOnlyList<LogoutDelivery> Plan(ConfiguredClient client, IReadOnlyList<SessionMapping> mappings)
    {
        var byHost = new Dictionary<string, Builder>(StringComparer.OrdinalIgnoreCase);
        var withoutHost = new Builder(null);
        foreach (var mapping in mappings)
        {
            foreach (var session in mapping.AppSessions)
            {
                if (!TryUnprotect(session, out var id))
                {
                    continue;
                }

                // Note: a host captured before it was removed from the allow-list is never contacted; its ids are
                // treated like ids captured without a host.
                var builder = client.IsPerNode && session.Host is { } host && client.AllowsSessionHost(host)
                    ? (byHost.TryGetValue(host, out var existing) ? existing : byHost[host] = new Builder(host))
                    : withoutHost;
                builder.Add(mapping.Key, session.Handle, id);
            }
        }

        var plan = byHost.Values.Select(b => b.Build()).ToList();
        // Note: even with nothing mapped the application is told, with an empty list: the user did log out.
        if (withoutHost.Count > 0 || plan.Count == 0)
        {
            if (client.UrlFor(null) is not null)
            {
                plan.Add(withoutHost.Build());
            }
            else if (withoutHost.Count > 0)
            {
                LogSessionsWithoutHost(logger, client.ClientId, withoutHost.Count);
            }
        }

        return plan;
    }

    private bool TryUnprotect(AppSession session, out string id)
    {
        try
        {
            id = protector.UnprotectString(session.ProtectedId, ProtectionPurposes.AppSession);
            return true;
        }
        catch (CryptographicException)
        {
            LogUndecryptableSession(logger);
            id = "";
            return false;
        }
    }

    private sealed class Builder(string? host)
    {
        private readonly List<string> _ids = [];
        private readonly Dictionary<SessionKey, List<string>> _handles = [];

        public int Count => _ids.Count;

        public void Add(SessionKey key, string handle, string id)
        {
            _ids.Add(id);
            if (!_handles.TryGetValue(key, out var handles))
            {
                _handles[key] = handles = [];
            }

            handles.Add(handle);
        }

        public LogoutDelivery Build() => new(host, _ids, [.. _handles.Select(pair => new MappingRemoval(pair.Key, pair.Value))]);
    }

    [LoggerMessage(EventId = EventIds.AppSessionUndecryptable, EventName = nameof(EventIds.AppSessionUndecryptable), Level = LogLevel.Warning, Message = "An application session could not be decrypted (was the encryption key changed without keeping the previous one?)")]
    private static partial void LogUndecryptableSession(ILogger logger);

    [LoggerMessage(EventId = EventIds.SessionsWithoutHostDropped, EventName = nameof(EventIds.SessionsWithoutHostDropped), Level = LogLevel.Warning, Message = "{Count} sessions of client {ClientId} have no allowed session host, its logout URL is per node and it has no FallbackLogoutUrl; they cannot be delivered")]
    private static partial void LogSessionsWithoutHost(ILogger logger, string clientId, int count);
}
