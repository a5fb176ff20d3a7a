using System.Text.Json;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery;

/// <summary>One logout's deliveries, as a fan-out batch queues them together.</summary>
/// <param name="TrailId">The logout's id in the logout trail, or null (a forwarded Admin URL action).</param>
internal sealed record QueuedLogout(ConfiguredClient Client, JsonElement Claims, string? Sid, IReadOnlyList<LogoutDelivery> Deliveries, string? TrailId = null);

/// <summary>Queued mode: writes a logout's deliveries to the outbox, all or none, and wakes the dispatcher.</summary>
internal sealed class LogoutEnqueuer(
    IOutboxStore outbox,
    OutboxPayloadProtector payloads,
    WakeSignal<OutboxDispatcher> signal,
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider)
{
    /// <exception cref="StorageUnavailableException">The outbox could not be written; nothing was queued.</exception>
    public Task EnqueueAsync(ConfiguredClient client, JsonElement claims, string? sid, IReadOnlyList<LogoutDelivery> deliveries, CancellationToken cancellationToken) =>
        EnqueueAsync([new QueuedLogout(client, claims, sid, deliveries)], cancellationToken);

    /// <summary>Writes the deliveries of several logouts in one atomic outbox write (a fan-out page).</summary>
    /// <exception cref="StorageUnavailableException">The outbox could not be written; nothing was queued.</exception>
    public async Task EnqueueAsync(IReadOnlyList<QueuedLogout> logouts, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var expiresAt = now + options.Value.MaxAge;
        var entries = logouts.SelectMany(logout => logout.Deliveries.Select(delivery => new OutboxEntry(
            Guid.CreateVersion7(now).ToString("N"),
            logout.Client.Issuer,
            logout.Client.ClientId,
            delivery.Host,
            payloads.Protect(new OutboxPayload(
                logout.Claims,
                logout.Sid,
                delivery.AppSessionIds,
                [.. delivery.Removals.Select(r => new OutboxRemoval(r.Key.Sid, r.Handles))],
                delivery.Action,
                logout.TrailId)),
            now,
            expiresAt,
            Attempts: 0,
            NextAttemptAt: now,
            LastError: null))).ToArray();
        if (entries.Length == 0)
        {
            return;
        }

        await outbox.EnqueueAsync(entries, cancellationToken);
        signal.Notify();
    }
}
