namespace LogoutEnricher.Storage;

/// <summary>Answers whether the backend can be reached now; readiness uses it.</summary>
public interface IStorageHealth
{
    /// <summary>Throws <see cref="StorageUnavailableException"/> when the backend does not answer.</summary>
    Task PingAsync(CancellationToken cancellationToken = default);
}
