using System.Text.Json;
using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Providers;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Delivery;

/// <summary>
/// The entry point for logouts LogoutEnricher starts itself, with no incoming logout token: a Keycloak sign-out-all
/// or push-revocation fanned out to captured sessions (issue 11), or a session Keycloak ended silently (issue 12).
/// Each captured session becomes one logout through the durable outbox, in the enriched-token shape: Keycloak's
/// <c>iss</c>, <c>aud</c> = the client, the captured <c>sid</c> and <c>sub</c>, the back-channel logout event, plus
/// any extra claims (e.g. <c>logout_reason</c>); <c>jti</c>/<c>iat</c>/<c>exp</c> and <c>adapterSessionIds</c> are
/// minted per delivery attempt by the dispatcher, as for every logout. KeycloakAdmin clients get the per-session
/// <c>LogoutAction</c> naming the ids. The mappings are removed once their delivery succeeded, as with any logout.
/// </summary>
internal sealed class CapturedSessionLogouts(LogoutPlanner planner, LogoutEnqueuer enqueuer, TimeProvider timeProvider)
{
    /// <summary>Keycloak's <c>typ</c> claim of a logout token (KEYCLOAK.md), kept so apps see the same shape.</summary>
    public const string LogoutTokenTypClaim = "Logout";

    /// <summary>Queues one logout per mapping, all in one atomic outbox write.</summary>
    /// <param name="client">The configured client the mappings belong to (their issuer and client id must match it).</param>
    /// <param name="mappings">The captured sessions to end (their app sessions are the ids named).</param>
    /// <param name="extraClaims">Claims added to each minted token, e.g. <c>logout_reason</c>; null for none.</param>
    /// <returns>How many application session ids were queued.</returns>
    /// <exception cref="StorageUnavailableException">The outbox could not be written; nothing was queued.</exception>
    public async Task<int> EnqueueAsync(
        ConfiguredClient client, IReadOnlyList<SessionMapping> mappings, IReadOnlyDictionary<string, string>? extraClaims, CancellationToken cancellationToken)
    {
        var logouts = new List<QueuedLogout>(mappings.Count);
        var count = 0;
        foreach (var mapping in mappings)
        {
            if (mapping.Key.Issuer != client.Issuer || mapping.Key.ClientId != client.ClientId)
            {
                throw new ArgumentException($"Mapping of {mapping.Key.ClientId} at {mapping.Key.Issuer} is not of client {client.ClientId}.", nameof(mappings));
            }

            var token = ForCapturedSession(client, mapping, extraClaims);
            var deliveries = planner.Plan(client, [mapping]);
            count += deliveries.Sum(d => d.AppSessionIds.Count);
            logouts.Add(new QueuedLogout(client, token.Payload, token.Sid, deliveries));
        }

        await enqueuer.EnqueueAsync(logouts, cancellationToken);
        return count;
    }

    /// <summary>
    /// Queues a Keycloak Admin URL action (the notBefore <c>LogoutAction</c> of a sign-out-all, or a
    /// <c>PushNotBeforeAction</c>) to forward to a <see cref="Providers.LogoutFormat.KeycloakAdmin"/> client: one
    /// delivery per node it may have (each allowed session host, and the fallback URL) or one to its Admin URL.
    /// </summary>
    /// <returns>How many deliveries were queued (none for a BackChannel client).</returns>
    public async Task<int> EnqueueAdminActionAsync(ConfiguredClient client, KeycloakAdminAction action, CancellationToken cancellationToken)
    {
        if (client.Format != Providers.LogoutFormat.KeycloakAdmin)
        {
            return 0;
        }

        IEnumerable<string?> hosts = client.IsPerNode ? [.. client.SessionHosts, .. client.FallbackLogoutUrl is null ? Array.Empty<string?>() : [null]] : [null];
        var deliveries = hosts.Select(host => new LogoutDelivery(host, [], [], action)).ToList();
        using var empty = JsonDocument.Parse("{}");
        await enqueuer.EnqueueAsync([new QueuedLogout(client, empty.RootElement.Clone(), null, deliveries)], cancellationToken);
        return deliveries.Count;
    }

    /// <summary>The claims Keycloak would have put in a back-channel logout token for this session.</summary>
    public ValidatedLogoutToken ForCapturedSession(ConfiguredClient client, SessionMapping mapping, IReadOnlyDictionary<string, string>? extraClaims)
    {
        var now = timeProvider.GetUtcNow();
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", client.Issuer);
            writer.WriteString("aud", client.ClientId);
            if (mapping.Subject is not null)
            {
                writer.WriteString("sub", mapping.Subject);
            }

            writer.WriteString("sid", mapping.Key.Sid);
            writer.WriteStartObject("events");
            writer.WriteStartObject(LogoutTokenValidator.BackChannelLogoutEvent);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteString("typ", LogoutTokenTypClaim);
            foreach (var (name, value) in extraClaims ?? new Dictionary<string, string>())
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return new ValidatedLogoutToken(client, Guid.NewGuid().ToString(), mapping.Subject, mapping.Key.Sid, now, document.RootElement.Clone());
    }
}
