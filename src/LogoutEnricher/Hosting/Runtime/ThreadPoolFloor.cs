namespace LogoutEnricher.Hosting.Runtime;

/// <summary>
/// Raises the thread pool's minimum to <see cref="WorkerThreads"/> once the host has started. SQLite calls are
/// synchronous (Microsoft.Data.Sqlite has no asynchronous I/O): a commit's fsync and the reads block their thread-pool
/// thread, and with the pool's default minimum (one thread per core) a mass logout kept those few threads blocked while
/// a single logout queued behind them for a quarter of a second (p99 236 ms on 2 cores, 52 ms with 16;
/// docs/PERFORMANCE.md).
/// </summary>
/// <remarks>
/// Note: raised after the start, not set in the runtime configuration: during the start many short work items are
/// queued at once, and a minimum of 16 made the pool start a thread for each on a 2-core machine, which delayed
/// readiness by about 80 ms. An operator's own minimum (<c>DOTNET_ThreadPool_ForceMinWorkerThreads</c>, or
/// <c>System.Threading.ThreadPool.MinThreads</c> in the runtime configuration) is left as it is.
/// </remarks>
internal sealed class ThreadPoolFloor : IHostedLifecycleService
{
    public const int WorkerThreads = 16;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!OperatorChoseTheMinimum())
        {
            ThreadPool.GetMinThreads(out var workers, out var completionPorts);
            if (workers < WorkerThreads)
            {
                ThreadPool.SetMinThreads(WorkerThreads, completionPorts);
            }
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static bool OperatorChoseTheMinimum() =>
        Environment.GetEnvironmentVariable("DOTNET_ThreadPool_ForceMinWorkerThreads") is not null
        || Environment.GetEnvironmentVariable("COMPlus_ThreadPool_ForceMinWorkerThreads") is not null
        || AppContext.GetData("System.Threading.ThreadPool.MinThreads") is not null;
}
