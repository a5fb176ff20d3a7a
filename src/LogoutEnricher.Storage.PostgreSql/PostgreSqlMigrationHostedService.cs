using Microsoft.Extensions.Hosting;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>
/// Migrates the schema in <see cref="StartingAsync"/>, which the host runs before any hosted service's StartAsync,
/// so the tables exist before the server accepts a request or a worker runs.
/// </summary>
internal sealed class PostgreSqlMigrationHostedService(PostgreSqlStorageInitializer initializer) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => initializer.InitializeAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
