namespace LogoutEnricher.Storage;

/// <summary>Signing keys shared by every replica.</summary>
public interface ISigningKeyStore
{
    Task<IReadOnlyList<StoredSigningKey>> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a key; false when a key with that id exists already.</summary>
    Task<bool> TryAddAsync(StoredSigningKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="key"/> as the one key of <paramref name="slot"/> (a name every replica derives alike, such
    /// as "the successor of key X"), unless a key holds that slot already; decided atomically by the store, so of
    /// replicas racing to create the same key exactly one succeeds. Returns the key that holds the slot: the given one
    /// or the winner's. A slot is free again once its key is removed.
    /// </summary>
    Task<StoredSigningKey> AddToSlotAsync(string slot, StoredSigningKey key, CancellationToken cancellationToken = default);

    /// <summary>Sets <see cref="StoredSigningKey.RetiresAt"/> of a key.</summary>
    Task RetireAsync(string keyId, DateTimeOffset retiresAt, CancellationToken cancellationToken = default);

    /// <summary>Removes a key for good (after its grace period).</summary>
    Task RemoveAsync(string keyId, CancellationToken cancellationToken = default);
}
