using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>An outbox whose backend is down: every call fails the way a backend reports an outage.</summary>
internal sealed class FailingOutboxStore : IOutboxStore
{
    public static void Install(IServiceCollection services) => services.Replace(ServiceDescriptor.Singleton<IOutboxStore, FailingOutboxStore>());

    public Task EnqueueAsync(IReadOnlyCollection<OutboxEntry> entries, CancellationToken cancellationToken = default) => Fail<bool>();

    public Task<IReadOnlyList<OutboxEntry>> LeaseAsync(string owner, int maxCount, TimeSpan leaseDuration, CancellationToken cancellationToken = default) => Fail<IReadOnlyList<OutboxEntry>>();

    public Task<int> ReleaseLeasesAsync(string owner, CancellationToken cancellationToken = default) => Fail<int>();

    public Task CompleteAsync(string id, CancellationToken cancellationToken = default) => Fail<bool>();

    public Task RescheduleAsync(string id, int attempts, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken = default) => Fail<bool>();

    public Task DeadLetterAsync(string id, int attempts, string reason, CancellationToken cancellationToken = default) => Fail<bool>();

    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int maxCount, CancellationToken cancellationToken = default) => Fail<IReadOnlyList<DeadLetter>>();

    public Task<bool> RetryDeadLetterAsync(string id, CancellationToken cancellationToken = default) => Fail<bool>();

    public Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default) => Fail<OutboxCounts>();

    public Task<OutboxEntry?> FindOldestPendingAsync(string issuer, string clientId, CancellationToken cancellationToken = default) => Fail<OutboxEntry?>();

    private static Task<T> Fail<T>() => Task.FromException<T>(new StorageUnavailableException("the outbox store is down"));
}
