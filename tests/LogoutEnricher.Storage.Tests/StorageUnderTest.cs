namespace LogoutEnricher.Storage.Tests;

/// <summary>
/// The storage services of one fresh, isolated store, as a backend's test class hands them to the contract.
/// </summary>
/// <param name="Owner">Released after the test: closes connections, deletes the file or the key space.</param>
/// <param name="Sessions">The store every caller uses: <see cref="ProtectedSessionStore"/> over <paramref name="Records"/>.</param>
/// <param name="Records">The backend itself: what it receives and keeps at rest.</param>
public sealed record StorageUnderTest(
    ProtectedSessionStore Sessions,
    IReplayCache ReplayCache,
    ISigningKeyStore SigningKeys,
    IStorageHealth Health,
    IOutboxStore Outbox,
    IReconciliationStore Reconciliation,
    IFanOutJobStore FanOutJobs,
    ISessionRecordStore Records,
    IAsyncDisposable? Owner = null) : IAsyncDisposable
{
    /// <summary>The Data Protection key ring of the same store.</summary>
    public IDataProtectionKeyStore? DataProtectionKeys { get; init; }

    /// <summary>The logout trail of the same store.</summary>
    public ILogoutTrailStore? LogoutTrail { get; init; }

    public ValueTask DisposeAsync() => Owner?.DisposeAsync() ?? ValueTask.CompletedTask;
}
