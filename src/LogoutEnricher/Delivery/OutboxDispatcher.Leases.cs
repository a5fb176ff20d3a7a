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
    /// How many entries of one application this replica holds leased at a time: half of <c>Delivery:MaxParallelism</c>
    /// (so one application never takes every slot from the others), at least its <c>MaxParallelismPerClient</c>. Only
    /// <c>MaxParallelismPerClient</c> of them are sent at once; the others wait, leased, behind them or for the durable
    /// write that completes them. A short queue of leased entries keeps the next delivery from waiting for a lease
    /// write, and many completions in flight share one commit. An entry that waited until its lease is about to run
    /// out is handed back rather than sent.
    /// </summary>
    private int LeasedPerClient => Math.Max(Settings.MaxParallelismPerClient, Settings.MaxParallelism / 2);

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

    /// <summary>How many more entries of <paramref name="client"/> this replica may lease now.</summary>
    private int RoomFor((string Issuer, string ClientId) client)
    {
        lock (_startedPerClient)
        {
            _startedPerClient.TryGetValue(client, out var started);
            return Math.Max(0, LeasedPerClient - started);
        }
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
