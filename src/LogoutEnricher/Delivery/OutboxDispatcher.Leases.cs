using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Delivery;

/// <summary>
/// What the dispatcher leases: for each application, its deliveries in flight and a short queue behind them (see
/// <see cref="LeasedPerClient"/>), so a replica that dies holds back only those; under its stable identity
/// (<see cref="ReplicaIdentity"/>) it takes even those back when it starts again.
/// </summary>
internal sealed partial class OutboxDispatcher
{
    /// <summary>
    /// How many entries of one application this replica holds leased at a time: its
    /// <c>Delivery:MaxParallelismPerClient</c> in flight, times a lease-ahead factor, so that a delivery that ends finds
    /// the next one already leased instead of waiting for a lease write (an fsync) of its own. The factor (at most 8)
    /// keeps the queue short enough to start within the lease even if every delivery ahead of it times out.
    /// </summary>
    private int LeasedPerClient
    {
        get
        {
            var ahead = (int)Math.Clamp(Settings.LeaseDuration / (2 * Settings.Timeout), 1, 8);
            return Settings.MaxParallelismPerClient * ahead;
        }
    }

    /// <summary>How many more entries the configured clients can take here right now.</summary>
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
                    room += Math.Max(0, LeasedPerClient - started);
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
            if (started >= LeasedPerClient)
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
