using LogoutEnricher.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LogoutEnricher.Storage.Tests;

/// <summary>
/// The behaviour every storage backend must have. A backend's test class inherits it and implements
/// <see cref="CreateStorageAsync"/>; each test gets a fresh store and a <see cref="FakeTimeProvider"/> at
/// <see cref="The.Now"/>, which the store must use as its clock.
/// </summary>
public abstract partial class StorageContractTests : IAsyncLifetime
{
    private StorageUnderTest? _storage;

    protected FakeTimeProvider Time { get; } = new(The.Now);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected ProtectedSessionStore Sessions => Storage.Sessions;

    protected ISessionRecordStore Records => Storage.Records;

    protected IReplayCache ReplayCache => Storage.ReplayCache;

    protected ISigningKeyStore SigningKeys => Storage.SigningKeys;

    protected IStorageHealth Health => Storage.Health;

    protected IOutboxStore Outbox => Storage.Outbox;

    protected IReconciliationStore Reconciliation => Storage.Reconciliation;
    protected IFanOutJobStore FanOutJobs => Storage.FanOutJobs;

    protected IDataProtectionKeyStore DataProtectionKeys => Storage.DataProtectionKeys ?? throw new InvalidOperationException("The backend's test class hands over its key ring store.");

    protected ILogoutTrailStore LogoutTrail => Storage.LogoutTrail ?? throw new InvalidOperationException("The backend's test class hands over its logout trail.");

    private StorageUnderTest Storage => _storage ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Creates an empty store, isolated from every other test, that reads the time from <paramref name="time"/>.</summary>
    protected abstract ValueTask<StorageUnderTest> CreateStorageAsync(TimeProvider time);

    public async ValueTask InitializeAsync() => _storage = await CreateStorageAsync(Time);

    public async ValueTask DisposeAsync()
    {
        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Health_StoreReachable_PingSucceeds()
    {
        var exception = await Record.ExceptionAsync(() => Health.PingAsync(Ct));

        Assert.Null(exception);
    }

    /// <summary>Adds a mapping of <see cref="The.Subject"/> with the given sessions and expiry.</summary>
    protected Task AddAsync(SessionKey key, DateTimeOffset expiresAt, params AppSession[] sessions) =>
        Sessions.AddAsync(key, The.Subject, sessions, expiresAt, Ct);

    protected static string[] HandlesOf(SessionMapping? mapping)
    {
        Assert.NotNull(mapping);
        return [.. mapping.AppSessions.Select(session => session.Handle).Order(StringComparer.Ordinal)];
    }

    protected static string[] Sorted(params string[] values) => [.. values.Order(StringComparer.Ordinal)];
}
