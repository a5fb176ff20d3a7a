using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>A session backend that is down: every call fails the way a backend reports an outage.</summary>
internal sealed class FailingSessionStore : ISessionRecordStore
{
    public static void Install(IServiceCollection services) => services.Replace(ServiceDescriptor.Singleton<ISessionRecordStore, FailingSessionStore>());

    public Task AddAsync(SessionKey key, string? subject, ProtectedIdentity identity, IReadOnlyCollection<AppSession> sessions, DateTimeOffset expiresAt,
        CancellationToken cancellationToken = default) => Fail();

    public Task<SessionMapping?> FindAsync(SessionKey key, CancellationToken cancellationToken = default) => Fail<SessionMapping?>();

    public Task<IReadOnlyList<SessionMapping>> FindBySubjectAsync(string issuer, string clientId, string subject, CancellationToken cancellationToken = default) =>
        Fail<IReadOnlyList<SessionMapping>>();

    public Task RemoveAsync(SessionKey key, IReadOnlyCollection<string> sessionHandles, CancellationToken cancellationToken = default) => Fail();

    public IAsyncEnumerable<CapturedSession> ListAsync(string issuer, string clientId, CancellationToken cancellationToken = default) => throw Down();

    public Task<IReadOnlyList<SessionMapping>> ListByClientAsync(
        string issuer, string clientId, string? afterSid, DateTimeOffset capturedBefore, int maxCount, CancellationToken cancellationToken = default) =>
        Fail<IReadOnlyList<SessionMapping>>();

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => Fail<int>();

    public Task<IReadOnlyList<UnprotectedSession>> ListUnprotectedAsync(int maxCount, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<UnprotectedSession>>([]);

    public Task ProtectAsync(UnprotectedSession existing, SessionKey key, string? subject, ProtectedIdentity identity, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;

    /// <summary>What the driver said, as a real backend wraps it: the log must carry it as the cause.</summary>
    public const string Cause = "disk I/O error";

    private static Task Fail() => Task.FromException(Down());

    private static Task<T> Fail<T>() => Task.FromException<T>(Down());

    private static StorageUnavailableException Down() => new("the session store is down", new IOException(Cause));
}
