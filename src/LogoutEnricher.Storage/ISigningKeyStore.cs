namespace LogoutEnricher.Storage;

/// <summary>Signing keys shared by every replica.</summary>
public interface ISigningKeyStore
{
    Task<IReadOnlyList<StoredSigningKey>> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a key; false when a key with that id exists already.</summary>
    Task<bool> TryAddAsync(StoredSigningKey key, CancellationToken cancellationToken = default);

    /// <summary>Sets <see cref="StoredSigningKey.RetiresAt"/> of a key.</summary>
    Task RetireAsync(string keyId, DateTimeOffset retiresAt, CancellationToken cancellationToken = default);

    /// <summary>Removes a key for good (after its grace period).</summary>
    Task RemoveAsync(string keyId, CancellationToken cancellationToken = default);
}
