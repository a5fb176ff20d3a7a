namespace LogoutEnricher.Protocol.Providers;

/// <summary>An OpenID provider's metadata or keys could not be read.</summary>
internal sealed class ProviderUnavailableException : Exception
{
    public ProviderUnavailableException(string message)
        : base(message)
    {
    }

    public ProviderUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
