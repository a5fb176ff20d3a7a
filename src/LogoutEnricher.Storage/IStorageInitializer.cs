namespace LogoutEnricher.Storage;

/// <summary>
/// Prepares a backend before first use (creates or upgrades its schema). Backends that need it register one, and a
/// hosted service runs every registered initializer before any other hosted service starts.
/// </summary>
public interface IStorageInitializer
{
    /// <summary>
    /// Brings the backend up to date. Safe to call more than once and from several processes at a time. Throws
    /// <see cref="StorageUnavailableException"/> when the backend cannot be reached or a step fails.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);
}
