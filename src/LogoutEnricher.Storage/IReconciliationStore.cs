namespace LogoutEnricher.Storage;

/// <summary>
/// What reconciliation with the provider's Admin API keeps so that every replica and every restart agree: event
/// cursors, a lease so that one replica reconciles at a time, and the sessions already seen missing once.
/// </summary>
public interface IReconciliationStore
{
    /// <summary>The cursor named <paramref name="name"/> (opaque to the store), or null when none was saved yet.</summary>
    Task<string?> GetCursorAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Saves the cursor; the write is durable when the call returns.</summary>
    Task SetCursorAsync(string name, string value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the lease <paramref name="name"/> for <paramref name="owner"/> until now + <paramref name="duration"/>, or
    /// renews it when the owner holds it already. False while another owner's lease runs. Atomic across replicas.
    /// </summary>
    Task<bool> TryAcquireLeaseAsync(string name, string owner, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up when <paramref name="owner"/> holds it; otherwise does nothing.</summary>
    Task ReleaseLeaseAsync(string name, string owner, CancellationToken cancellationToken = default);

    /// <summary>The sessions of one client seen missing at the provider, with the instant they were first seen missing.</summary>
    Task<IReadOnlyDictionary<string, DateTimeOffset>> GetObservationsAsync(string issuer, string clientId, CancellationToken cancellationToken = default);

    /// <summary>Records sessions seen missing at <paramref name="observedAt"/>; one already recorded keeps its first instant.</summary>
    Task AddObservationsAsync(string issuer, string clientId, IReadOnlyCollection<string> sids, DateTimeOffset observedAt, CancellationToken cancellationToken = default);

    /// <summary>Forgets observations (the session was seen again, or its logout was decided).</summary>
    Task RemoveObservationsAsync(string issuer, string clientId, IReadOnlyCollection<string> sids, CancellationToken cancellationToken = default);
}
