using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

public abstract partial class StorageContractTests
{
    [Fact]
    public async Task FindAsync_AfterExpiry_ReturnsNull()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);

        Time.Advance(The.SessionLifetime + TimeSpan.FromSeconds(1));

        Assert.Null(await Sessions.FindAsync(The.Key, Ct));
        Assert.Empty(await Sessions.FindBySubjectAsync(The.Issuer, The.ClientId, The.Subject, Ct));
    }

    [Fact]
    public async Task PurgeExpiredAsync_OneExpiredOneLive_DeletesOnlyTheExpired()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        await AddAsync(The.KeyOfOtherSid, The.LaterExpiresAt, The.OtherAppSession);
        Time.Advance(The.SessionLifetime + TimeSpan.FromSeconds(1));

        var purged = await Sessions.PurgeExpiredAsync(Time.GetUtcNow(), Ct);

        Assert.Equal(1, purged);
        Assert.Null(await Sessions.FindAsync(The.Key, Ct));
        Assert.Equal([The.OtherAppSession.Handle], HandlesOf(await Sessions.FindAsync(The.KeyOfOtherSid, Ct)));
        Assert.Equal(0, await Sessions.PurgeExpiredAsync(Time.GetUtcNow(), Ct));
    }

    [Fact]
    public async Task AddAsync_AfterMappingExpired_StartsAFreshMapping()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        Time.Advance(The.SessionLifetime + TimeSpan.FromSeconds(1));

        var newExpiry = Time.GetUtcNow() + The.SessionLifetime;
        await AddAsync(The.Key, newExpiry, The.OtherAppSession);

        var mapping = await Sessions.FindAsync(The.Key, Ct);
        Assert.Equal([The.OtherAppSession.Handle], HandlesOf(mapping));
        Assert.Equal(newExpiry, mapping!.ExpiresAt);
    }

    [Fact]
    public async Task RemoveAsync_SomeHandles_KeepsTheRest()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession, The.OtherAppSession);

        await Sessions.RemoveAsync(The.Key, [The.AppSession.Handle], Ct);

        Assert.Equal([The.OtherAppSession.Handle], HandlesOf(await Sessions.FindAsync(The.Key, Ct)));
    }

    [Fact]
    public async Task RemoveAsync_AllHandles_RemovesTheMapping()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession, The.OtherAppSession);

        await Sessions.RemoveAsync(The.Key, [The.AppSession.Handle, The.OtherAppSession.Handle], Ct);

        Assert.Null(await Sessions.FindAsync(The.Key, Ct));
        Assert.Empty(await Sessions.FindBySubjectAsync(The.Issuer, The.ClientId, The.Subject, Ct));
    }

    [Fact]
    public async Task RemoveAsync_HandlesOfOtherClient_LeavesThisClientAlone()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        await AddAsync(The.KeyOfOtherClient, The.ExpiresAt, The.AppSession);

        await Sessions.RemoveAsync(The.KeyOfOtherClient, [The.AppSession.Handle], Ct);

        Assert.Equal([The.AppSession.Handle], HandlesOf(await Sessions.FindAsync(The.Key, Ct)));
        Assert.Null(await Sessions.FindAsync(The.KeyOfOtherClient, Ct));
    }

    [Fact]
    public async Task RemoveAsync_UnknownKey_DoesNothing()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);

        await Sessions.RemoveAsync(The.KeyOfOtherSid, [The.AppSession.Handle], Ct);

        Assert.Equal([The.AppSession.Handle], HandlesOf(await Sessions.FindAsync(The.Key, Ct)));
    }

    [Fact]
    public async Task AddAsync_FiftyConcurrentWritersToOneKey_KeepsEveryAppSession()
    {
        var sessions = Enumerable.Range(1, 50).Select(The.AppSessionNumber).ToArray();

        await Task.WhenAll(sessions.Select(session => Task.Run(() => AddAsync(The.Key, The.ExpiresAt, session), Ct)));

        Assert.Equal(Sorted([.. sessions.Select(s => s.Handle)]), HandlesOf(await Sessions.FindAsync(The.Key, Ct)));
    }
}
