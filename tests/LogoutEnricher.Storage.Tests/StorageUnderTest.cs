namespace LogoutEnricher.Storage.Tests;

/// <summary>
/// The five storage services of one fresh, isolated store, as a backend's test class hands them to the contract.
/// </summary>
/// <param name="Owner">Released after the test: closes connections, deletes the file or the key space.</param>
public sealed record StorageUnderTest(
    ISessionStore Sessions,
    IReplayCache ReplayCache,
    ISigningKeyStore SigningKeys,
    IStorageHealth Health,
    IOutboxStore Outbox,
    IAsyncDisposable? Owner = null) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Owner?.DisposeAsync() ?? ValueTask.CompletedTask;
}
