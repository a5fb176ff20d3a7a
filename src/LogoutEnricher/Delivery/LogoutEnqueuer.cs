using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Hosting;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery;

/// <summary>Queued mode: writes a logout's deliveries to the outbox, all or none, and wakes the dispatcher.</summary>
internal sealed class LogoutEnqueuer(
    IOutboxStore outbox,
    OutboxPayloadProtector payloads,
    OutboxSignal signal,
    IOptions<LogoutEnricherOptions> options,
    TimeProvider timeProvider)
{
    /// <exception cref="StorageUnavailableException">The outbox could not be written; nothing was queued.</exception>
    public async Task EnqueueAsync(ValidatedLogoutToken token, IReadOnlyList<LogoutDelivery> deliveries, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var expiresAt = now + options.Value.Delivery.MaxAge;
        var entries = deliveries.Select(delivery => new OutboxEntry(
            Guid.CreateVersion7(now).ToString("N"),
            token.Issuer,
            token.Client.ClientId,
            delivery.Host,
            payloads.Protect(new OutboxPayload(
                token.Payload,
                token.Sid,
                delivery.AppSessionIds,
                [.. delivery.Removals.Select(r => new OutboxRemoval(r.Key.Sid, r.Handles))])),
            now,
            expiresAt,
            Attempts: 0,
            NextAttemptAt: now,
            LastError: null)).ToArray();

        await outbox.EnqueueAsync(entries, cancellationToken);
        signal.Notify();
    }
}
