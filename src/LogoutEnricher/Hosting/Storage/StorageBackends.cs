using LogoutEnricher.Storage;
namespace LogoutEnricher.Hosting.Storage;

/// <summary>The storage backends the host ships, and the one <c>Storage:Provider</c> selects (null when it names none).</summary>
internal sealed class StorageBackends
{
    public StorageBackends(IReadOnlyList<StorageBackend> backends, string? provider)
    {
        All = backends;
        Provider = string.IsNullOrWhiteSpace(provider) ? backends[0].Name : provider.Trim();
        Selected = backends.FirstOrDefault(b => b.Name.Equals(Provider, StringComparison.OrdinalIgnoreCase));
    }

    public IReadOnlyList<StorageBackend> All { get; }

    /// <summary>The configured name (the first backend's when none is configured).</summary>
    public string Provider { get; }

    public StorageBackend? Selected { get; }

    /// <summary>Which store is configured, as readiness and the console name it: backend and address, never a credential.</summary>
    public string Describe(IServiceProvider services) => Selected?.Describe(services) ?? Provider;
}
