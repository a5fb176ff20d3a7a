namespace LogoutEnricher.Storage;

/// <summary>
/// The backend could not be reached or failed. Every backend wraps its driver's errors in this type, so that the
/// host can answer with a clear error (503 / temporarily_unavailable) without knowing the driver.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
