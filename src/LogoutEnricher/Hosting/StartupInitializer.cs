using LogoutEnricher.Providers;
using LogoutEnricher.Signing;

namespace LogoutEnricher.Hosting;

/// <summary>
/// Loads the signing key before the host listens (registered after the storage's own migration service, so the
/// schema exists), then reads the providers' keys in the background: a provider that is down at startup delays
/// readiness, not the process.
/// </summary>
internal sealed class StartupInitializer(SigningKeyProvider signingKeys, ProviderKeyCache providerKeys) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await signingKeys.InitializeAsync(cancellationToken);
        _ = Task.Run(() => providerKeys.LoadAllAsync(CancellationToken.None), CancellationToken.None);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
