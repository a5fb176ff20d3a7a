using System.Security.Cryptography;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogoutEnricher.Tests;

public sealed class SessionIdentityMigrationTests
{
    [Fact]
    public async Task InitializeAsync_StoreUnavailableAtStartup_DefersToTheNextStartInsteadOfFailingTheHost()
    {
        var records = new UnavailableRecords();
        var migration = new SessionIdentityMigration(new ProtectedSessionStore(records, new SecretProtector(RandomNumberGenerator.GetBytes(32))), NullLogger<SessionIdentityMigration>.Instance);

        await migration.InitializeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, records.Asked);
    }

    /// <summary>A backend that cannot be reached, as Redis is while it is down.</summary>
    private sealed class UnavailableRecords : ISessionRecordStore
    {
        public int Asked;

        public Task<IReadOnlyList<UnprotectedSession>> ListUnprotectedAsync(int maxCount, CancellationToken cancellationToken = default)
        {
            Asked++;
            throw new StorageUnavailableException("the store is down", new TimeoutException());
        }

        public Task AddAsync(SessionKey key, string? subject, ProtectedIdentity identity, IReadOnlyCollection<AppSession> sessions, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => throw Down();

        public Task<SessionMapping?> FindAsync(SessionKey key, CancellationToken cancellationToken = default) => throw Down();

        public Task<IReadOnlyList<SessionMapping>> FindBySubjectAsync(string issuer, string clientId, string subject, CancellationToken cancellationToken = default) => throw Down();

        public Task RemoveAsync(SessionKey key, IReadOnlyCollection<string> sessionHandles, CancellationToken cancellationToken = default) => throw Down();

        public IAsyncEnumerable<CapturedSession> ListAsync(string issuer, string clientId, CancellationToken cancellationToken = default) => throw Down();

        public Task<IReadOnlyList<SessionMapping>> ListByClientAsync(string issuer, string clientId, string? afterSid, DateTimeOffset capturedBefore, int maxCount, CancellationToken cancellationToken = default) => throw Down();

        public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => throw Down();

        public Task ProtectAsync(UnprotectedSession existing, SessionKey key, string? subject, ProtectedIdentity identity, CancellationToken cancellationToken = default) => throw Down();

        private static StorageUnavailableException Down() => new("the store is down");
    }
}
