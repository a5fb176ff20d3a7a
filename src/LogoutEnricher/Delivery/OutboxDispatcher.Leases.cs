using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Delivery;

/// <summary>
/// What the dispatcher leases: only entries it can start now, so a replica that dies holds back no more than its
/// deliveries in flight; and under its stable identity (<see cref="ReplicaIdentity"/>) it takes even those back when it
/// starts again.
/// </summary>
internal sealed partial class OutboxDispatcher
{
    /// <summary>How many more deliveries the configured clients can take here right now.</summary>
    private int RoomForClients()
    {
        var room = 0;
        lock (_startedPerClient)
        {
            foreach (var issuer in registry.Issuers.Values)
            {
                foreach (var client in issuer.Clients.Values)
                {
                    _startedPerClient.TryGetValue((issuer.Issuer, client.ClientId), out var started);
                    room += Math.Max(0, Settings.MaxParallelismPerClient - started);
                }
            }
        }

        // Note: an entry of a client no longer configured is dead-lettered without a delivery; one slot lets it through.
        return Math.Max(room, 1);
    }

    private bool TryReserveClientSlot(OutboxEntry entry)
    {
        var key = (entry.Issuer, entry.ClientId);
        lock (_startedPerClient)
        {
            _startedPerClient.TryGetValue(key, out var started);
            if (started >= Settings.MaxParallelismPerClient)
            {
                return false;
            }

            _startedPerClient[key] = started + 1;
            return true;
        }
    }

    private void ReleaseClientSlot(OutboxEntry entry)
    {
        var key = (entry.Issuer, entry.ClientId);
        lock (_startedPerClient)
        {
            if (_startedPerClient.TryGetValue(key, out var started))
            {
                if (started <= 1)
                {
                    _startedPerClient.Remove(key);
                }
                else
                {
                    _startedPerClient[key] = started - 1;
                }
            }
        }
    }

    /// <summary>With a stable identity, the leases this replica held when it died are its own: free them at once.</summary>
    private async Task TakeBackOwnLeasesAsync(CancellationToken stoppingToken)
    {
        if (!identity.IsStable)
        {
            return;
        }

        // Note: on a store failure the leases expire as they would without a stable identity.
        var released = await failures.TryAsync("outbox", "own leases not taken back; they expire after Delivery:LeaseDuration",
            () => outbox.ReleaseLeasesAsync(Owner, stoppingToken));
        if (released.Value > 0)
        {
            LogLeasesTakenBack(logger, Owner, released.Value);
        }
    }

    [LoggerMessage(EventId = EventIds.OutboxLeasesTakenBack, EventName = nameof(EventIds.OutboxLeasesTakenBack), Level = LogLevel.Warning,
        Message = "Dispatcher {Owner} started again and took back {Count} leases it held before it stopped")]
    private static partial void LogLeasesTakenBack(ILogger logger, string owner, int count);
}
