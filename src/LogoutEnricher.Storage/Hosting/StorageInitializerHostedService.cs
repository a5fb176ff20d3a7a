using Microsoft.Extensions.Hosting;

namespace LogoutEnricher.Storage.Hosting;

/// <summary>
/// Runs every registered <see cref="IStorageInitializer"/>, in registration order. Note: it works in
/// <see cref="StartingAsync"/>, which the host runs before any hosted service's StartAsync, so the schema exists before
/// the server accepts a request or a worker runs.
/// </summary>
internal sealed class StorageInitializerHostedService(IEnumerable<IStorageInitializer> initializers) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        foreach (var initializer in initializers)
        {
            await initializer.InitializeAsync(cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
