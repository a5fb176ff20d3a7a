using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogoutEnricher.Tests;

public sealed class SessionIdentityMigrationTests
{
    [Fact]
    public async Task InitializeAsync_StoreUnavailableAtStartup_DefersToTheNextStartInsteadOfFailingTheHost()
    {
        var records = new UnavailableRecords();
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new LogoutEnricherMetrics(meters.GetRequiredService<IMeterFactory>(), new OutboxGauges(meters, TimeProvider.System));
        var operations = new List<string?>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "logoutenricher.store_errors")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => operations.Add(tags.ToArray().Single(t => t.Key == "operation").Value as string));
        listener.Start();
        var migration = new SessionIdentityMigration(new ProtectedSessionStore(records, new SecretProtector(RandomNumberGenerator.GetBytes(32))),
            new StoreFailures(metrics, NullLogger<StoreFailures>.Instance), NullLogger<SessionIdentityMigration>.Instance);

        await migration.InitializeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, records.Asked);
        // Reported once through the one store-failure mechanism, under its own operation.
        Assert.Equal(["session_identity_migration"], operations);
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
