using LogoutEnricher.Delivery;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.BackgroundWork;

/// <summary>
/// Who this replica is, for every lease it takes in the store (outbox entries, fan-out jobs, the reconciliation
/// turn): <c>Delivery:ReplicaId</c> when set, stable across restarts so that a restarted replica takes back its own
/// leases at once; else unique per process and host instance, so two replicas never share a lease.
/// </summary>
internal sealed class ReplicaIdentity(IOptions<DeliveryOptions> options)
{
    public string Owner { get; } = string.IsNullOrWhiteSpace(options.Value.ReplicaId)
        ? $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}"
        : "replica/" + options.Value.ReplicaId;

    /// <summary>Whether <see cref="Owner"/> survives a restart (configured), so leases held before a crash are this replica's.</summary>
    public bool IsStable => !string.IsNullOrWhiteSpace(options.Value.ReplicaId);
}
