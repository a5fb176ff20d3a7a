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

/// <summary>
/// Queued mode: writes a logout's deliveries to the outbox, all or none, and wakes the dispatcher. The logouts of a
/// large batch (a fan-out page) go in several writes of about <see cref="EntriesPerWrite"/> entries, issued together:
/// they share the store's commits, and the deliveries finishing meanwhile (whose writes queue behind them) are not held
/// up by one long write.
/// </summary>
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

    /// <summary>Entries per outbox write; a logout's own entries are never split.</summary>
    internal const int EntriesPerWrite = 64;

    /// <summary>Writes the deliveries of several logouts (a fan-out page); each logout's all or none.</summary>
    /// <exception cref="StorageUnavailableException">
    /// A write failed: the logouts of the other writes may be queued (a fan-out repeats its page: at least once).
    /// </exception>
    public async Task EnqueueAsync(IReadOnlyList<QueuedLogout> logouts, CancellationToken cancellationToken)
    {
        var writes = new List<OutboxEntry[]>();
        var part = new List<OutboxEntry>();
        foreach (var logout in logouts)
        {
            var entries = Entries(logout);
            if (part.Count > 0 && part.Count + entries.Length > EntriesPerWrite)
            {
                writes.Add([.. part]);
                part.Clear();
            }

            part.AddRange(entries);
        }

        if (part.Count > 0)
        {
            writes.Add([.. part]);
        }

        if (writes.Count == 0)
        {
            return;
        }

        await Task.WhenAll(writes.Select(entries => outbox.EnqueueAsync(entries, cancellationToken)));
        signal.Notify();
    }

    private OutboxEntry[] Entries(QueuedLogout logout)
    {
        var now = timeProvider.GetUtcNow();
        var expiresAt = now + options.Value.MaxAge;
        return [.. logout.Deliveries.Select(delivery => new OutboxEntry(
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
            LastError: null))];
    }
}
