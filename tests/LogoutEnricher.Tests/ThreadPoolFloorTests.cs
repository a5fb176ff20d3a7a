using LogoutEnricher.Hosting.Runtime;

namespace LogoutEnricher.Tests;

public sealed class ThreadPoolFloorTests
{
    [Fact]
    public async Task StartedAsync_NoMinimumChosenByTheOperator_RaisesTheWorkerMinimumAndKeepsTheCompletionPorts()
    {
        ThreadPool.GetMinThreads(out _, out var completionPortsBefore);

        await new ThreadPoolFloor().StartedAsync(TestContext.Current.CancellationToken);

        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        Assert.False(ThreadPoolFloor.OperatorChoseTheMinimum());
        Assert.True(workers >= ThreadPoolFloor.WorkerThreads, $"minimum worker threads: {workers}");
        Assert.Equal(completionPortsBefore, completionPorts);
    }
}
