using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

/// <summary>
/// Concurrent durable writes, as a busy sidecar makes them (captures, outbox enqueues, replay records, mapping
/// removals at once): a backend may batch them (group commit, pipelining), but every caller must find its own write
/// done when its call returns, and a conflicting write must not disturb the others.
/// </summary>
public abstract partial class StorageContractTests
{
    private const int ConcurrentWriters = 24;

    [Fact]
    public async Task ConcurrentWrites_MixedKinds_EachCallerFindsItsWriteWhenItsCallReturns()
    {
        await AddAsync(The.KeyOfOtherClient, The.ExpiresAt, The.AppSession, The.OtherAppSession);

        var writes = Enumerable.Range(1, ConcurrentWriters).Select(async n =>
        {
            await Task.Yield();
            switch (n % 4)
            {
                case 0:
                    var key = new SessionKey(The.Issuer, The.ClientId, $"sid-{n}");
                    await Sessions.AddAsync(key, The.Subject, [The.AppSessionNumber(n)], The.ExpiresAt, Ct);
                    return (await Sessions.FindAsync(key, Ct)) is { } found && found.AppSessions.Single().Handle == $"handle-{n}";
                case 1:
                    return await ReplayCache.TryAddAsync(The.Issuer, $"jti-{n}", The.ReplayExpiresAt, Ct)
                        && await ReplayCache.ContainsAsync(The.Issuer, $"jti-{n}", Ct);
                case 2:
                    await Outbox.EnqueueAsync([OutboxEntryNumber(n)], Ct);
                    return true;
                default:
                    await Sessions.RemoveAsync(The.KeyOfOtherClient, [The.AppSession.Handle], Ct);
                    return HandlesOf(await Sessions.FindAsync(The.KeyOfOtherClient, Ct)).SequenceEqual([The.OtherAppSession.Handle]);
            }
        });

        var outcomes = await Task.WhenAll(writes);

        Assert.All(outcomes, Assert.True);
        Assert.Equal(new OutboxCounts(ConcurrentWriters / 4, 0), await Outbox.CountAsync(Ct));
    }

    [Fact]
    public async Task ConcurrentWrites_SameJtiAmongOthers_ExactlyOneRecordsItAndTheOthersAllSucceed()
    {
        var replays = Enumerable.Range(1, ConcurrentWriters / 2).Select(async _ =>
        {
            await Task.Yield();
            return await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct);
        });
        var captures = Enumerable.Range(1, ConcurrentWriters / 2).Select(async n =>
        {
            await Task.Yield();
            await Sessions.AddAsync(new SessionKey(The.Issuer, The.ClientId, $"sid-{n}"), The.Subject, [The.AppSessionNumber(n)], The.ExpiresAt, Ct);
        });

        var recording = Task.WhenAll(replays);
        await Task.WhenAll(Task.WhenAll(captures), recording);
        var recorded = await recording;

        Assert.Single(recorded, added => added);
        for (var n = 1; n <= ConcurrentWriters / 2; n++)
        {
            Assert.Equal([$"handle-{n}"], HandlesOf(await Sessions.FindAsync(new SessionKey(The.Issuer, The.ClientId, $"sid-{n}"), Ct)));
        }
    }
}
