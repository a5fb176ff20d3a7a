using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

public abstract partial class StorageContractTests
{
    [Fact]
    public async Task ReplayContainsAsync_UnknownJti_ReturnsFalse()
    {
        Assert.False(await ReplayCache.ContainsAsync(The.Issuer, The.Jti, Ct));
    }

    [Fact]
    public async Task ReplayTryAddAsync_NewJti_ReturnsTrueAndIsContained()
    {
        Assert.True(await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct));

        Assert.True(await ReplayCache.ContainsAsync(The.Issuer, The.Jti, Ct));
        Assert.False(await ReplayCache.ContainsAsync(The.Issuer, The.OtherJti, Ct));
    }

    [Fact]
    public async Task ReplayTryAddAsync_SameJtiTwice_ReturnsFalseTheSecondTime()
    {
        await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct);

        Assert.False(await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct));
    }

    [Fact]
    public async Task ReplayTryAddAsync_SameJtiOfOtherIssuer_ReturnsTrue()
    {
        await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct);

        Assert.True(await ReplayCache.TryAddAsync(The.OtherIssuer, The.Jti, The.ReplayExpiresAt, Ct));
    }

    [Fact]
    public async Task ReplayTryAddAsync_TwentyConcurrentAddsOfOneJti_ExactlyOneWins()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Task.Run(() => ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct), Ct)));

        Assert.Single(results, added => added);
    }

    [Fact]
    public async Task ReplayContainsAsync_AfterExpiry_ReturnsFalse()
    {
        await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct);

        Time.SetUtcNow(The.ReplayExpiresAt + TimeSpan.FromSeconds(1));

        Assert.False(await ReplayCache.ContainsAsync(The.Issuer, The.Jti, Ct));
    }

    [Fact]
    public async Task ReplayTryAddAsync_AfterEntryExpired_ReturnsTrue()
    {
        await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct);
        Time.SetUtcNow(The.ReplayExpiresAt + TimeSpan.FromSeconds(1));

        Assert.True(await ReplayCache.TryAddAsync(The.Issuer, The.Jti, Time.GetUtcNow() + TimeSpan.FromMinutes(2), Ct));
        Assert.True(await ReplayCache.ContainsAsync(The.Issuer, The.Jti, Ct));
    }

    [Fact]
    public async Task ReplayPurgeExpiredAsync_OneExpiredOneLive_DeletesOnlyTheExpired()
    {
        await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct);
        await ReplayCache.TryAddAsync(The.Issuer, The.OtherJti, The.ReplayExpiresAt + TimeSpan.FromHours(1), Ct);
        Time.SetUtcNow(The.ReplayExpiresAt + TimeSpan.FromSeconds(1));

        var purged = await ReplayCache.PurgeExpiredAsync(Time.GetUtcNow(), Ct);

        Assert.Equal(1, purged);
        Assert.True(await ReplayCache.ContainsAsync(The.Issuer, The.OtherJti, Ct));
        Assert.Equal(0, await ReplayCache.PurgeExpiredAsync(Time.GetUtcNow(), Ct));
    }

    [Fact]
    public async Task ReplayTryAddAsync_FiftyJtisEachClaimedTwentyTimesAtOnce_ExactlyOneClaimPerJti()
    {
        var jtis = Enumerable.Range(0, 50).Select(n => $"{The.Jti}-{n:D2}").ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claims = jtis.SelectMany(jti => Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return (Jti: jti, Claimed: await ReplayCache.TryAddAsync(The.Issuer, jti, The.ReplayExpiresAt, Ct));
        }, Ct))).ToArray();

        start.SetResult();
        var results = await Task.WhenAll(claims);

        Assert.All(jtis, jti => Assert.Single(results, r => r.Jti == jti && r.Claimed));
    }

    [Fact]
    public async Task ReplayReleaseAsync_ClaimedJti_IsNoLongerContainedAndCanBeClaimedAgain()
    {
        await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct);

        await ReplayCache.ReleaseAsync(The.Issuer, The.Jti, Ct);

        Assert.False(await ReplayCache.ContainsAsync(The.Issuer, The.Jti, Ct));
        Assert.True(await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct));
        Assert.False(await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct));
    }

    [Fact]
    public async Task ReplayReleaseAsync_UnknownJti_LeavesOtherEntriesAlone()
    {
        await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct);
        await ReplayCache.TryAddAsync(The.OtherIssuer, The.OtherJti, The.ReplayExpiresAt, Ct);

        await ReplayCache.ReleaseAsync(The.Issuer, The.OtherJti, Ct);
        await ReplayCache.ReleaseAsync(The.OtherIssuer, The.Jti, Ct);

        Assert.True(await ReplayCache.ContainsAsync(The.Issuer, The.Jti, Ct));
        Assert.True(await ReplayCache.ContainsAsync(The.OtherIssuer, The.OtherJti, Ct));
    }

    [Fact]
    public async Task ReplayReleaseAsync_ReleasedEntry_IsNotCountedByThePurge()
    {
        await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct);
        await ReplayCache.ReleaseAsync(The.Issuer, The.Jti, Ct);
        Time.SetUtcNow(The.ReplayExpiresAt + TimeSpan.FromSeconds(1));

        Assert.Equal(0, await ReplayCache.PurgeExpiredAsync(Time.GetUtcNow(), Ct));
    }
}
