using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Benchmarks.Fixture;

/// <summary>
/// Stores that answer at once from memory, so that a pipeline benchmark measures LogoutEnricher's own code; the SQLite
/// store's share is measured on its own (<see cref="StoreBenchmarks"/>).
/// </summary>
internal sealed class InMemorySessionStore(IReadOnlyList<AppSession> appSessions, ProtectedIdentity identity) : ISessionRecordStore
{
    public Task AddAsync(SessionKey key, string? subject, ProtectedIdentity identity, IReadOnlyCollection<AppSession> sessions, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    /// <summary>Every sid is mapped, so that every logout has sessions to deliver; the row is stored as the product stores it (hashed key, encrypted copy).</summary>
    public Task<SessionMapping?> FindAsync(SessionKey key, CancellationToken cancellationToken = default) =>
        Task.FromResult<SessionMapping?>(new SessionMapping(key, null, appSessions, DateTimeOffset.MaxValue) { Protected = identity });

    public Task<IReadOnlyList<SessionMapping>> FindBySubjectAsync(string issuer, string clientId, string subject, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SessionMapping>>([]);

    public Task RemoveAsync(SessionKey key, IReadOnlyCollection<string> sessionHandles, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public IAsyncEnumerable<CapturedSession> ListAsync(string issuer, string clientId, CancellationToken cancellationToken = default) =>
        AsyncEnumerable.Empty<CapturedSession>();

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => Task.FromResult(0);

    public Task<IReadOnlyList<SessionMapping>> ListByClientAsync(
        string issuer, string clientId, string? afterSid, DateTimeOffset capturedBefore, int maxCount, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SessionMapping>>([]);

    public Task<IReadOnlyList<UnprotectedSession>> ListUnprotectedAsync(int maxCount, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<UnprotectedSession>>([]);

    public Task ProtectAsync(UnprotectedSession existing, SessionKey key, string? subject, ProtectedIdentity identity, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;
}

/// <summary>Never a replay: the benchmark sends the same token again and again.</summary>
internal sealed class ForgetfulReplayCache : IReplayCache
{
    public Task<bool> ContainsAsync(string issuer, string jti, CancellationToken cancellationToken = default) => Task.FromResult(false);

    public Task<bool> TryAddAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task ReleaseAsync(string issuer, string jti, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => Task.FromResult(0);
}

/// <summary>Counts what was queued and keeps nothing; only enqueueing is on the logout path.</summary>
internal sealed class CountingOutbox : IOutboxStore
{
    public long Enqueued;

    public Task EnqueueAsync(IReadOnlyCollection<OutboxEntry> entries, CancellationToken cancellationToken = default)
    {
        Enqueued += entries.Count;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxEntry>> LeaseAsync(string owner, int maxCount, TimeSpan leaseDuration, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<OutboxEntry>>([]);

    public Task<int> ReleaseLeasesAsync(string owner, CancellationToken cancellationToken = default) => Task.FromResult(0);

    public Task CompleteAsync(string id, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task RescheduleAsync(string id, int attempts, DateTimeOffset nextAttemptAt, string lastError, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task DeadLetterAsync(string id, int attempts, string reason, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(int maxCount, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<DeadLetter>>([]);

    public Task<bool> RetryDeadLetterAsync(string id, CancellationToken cancellationToken = default) => Task.FromResult(false);

    public Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default) => Task.FromResult(new OutboxCounts(0, 0));

    public Task<OutboxEntry?> FindOldestPendingAsync(string issuer, string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult<OutboxEntry?>(null);
}
