using LogoutEnricher.Storage.Redis;
using LogoutEnricher.Testing;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Tests;

public sealed partial class RedisStorageTests
{
    [Fact]
    public async Task AddAsync_NewMapping_KeyExpiresNativelyAfterItsExpiryPlusTheMargin()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);

        var ttl = await TimeToLiveAsync(new RedisKeys(_prefix).Mapping(RedisKeys.MappingId(The.Key with { Sid = Sessions.SidLookups(The.Sid)[0] })));

        // The fake clock is not Redis's clock: the native TTL is relative, the rest of the lifetime plus the margin.
        Assert.InRange(ttl, The.SessionLifetime + RedisKeys.ExpiryMargin - TimeSpan.FromMinutes(1), The.SessionLifetime + RedisKeys.ExpiryMargin);
    }

    [Fact]
    public async Task ReplayTryAddAsync_NewJti_KeyExpiresNativelyShortlyAfterTheToken()
    {
        await ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct);

        var ttl = await TimeToLiveAsync(new RedisKeys(_prefix).Replay(RedisKeys.Join(The.Issuer, The.Jti)));

        Assert.InRange(ttl, TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(7));
    }

    [Fact]
    public async Task AddAsync_IssuerAndSidContainingSeparators_StayDistinct()
    {
        var tricky = new SessionKey("https://a|b", "c", "d");
        var other = new SessionKey("https://a", "b|c", "d");
        await AddAsync(tricky, The.ExpiresAt, The.AppSession);
        await AddAsync(other, The.ExpiresAt, The.OtherAppSession);

        Assert.Equal([The.AppSession.Handle], HandlesOf(await Sessions.FindAsync(tricky, Ct)));
        Assert.Equal([The.OtherAppSession.Handle], HandlesOf(await Sessions.FindAsync(other, Ct)));
        Assert.Equal(["d"], (await Sessions.FindBySubjectAsync("https://a|b", "c", The.Subject, Ct)).Select(m => m.Key.Sid));
    }

    [Fact]
    public async Task Stores_ServerUnreachable_ThrowStorageUnavailableWithoutIds()
    {
        Assert.NotEmpty(TestServers.Redis);
        // A loopback port nobody listens on: the connection is refused at once.
        var unreachable = Open(Time, "127.0.0.1:1,connectTimeout=500", _prefix);
        await using var owner = unreachable;

        var add = await Assert.ThrowsAsync<StorageUnavailableException>(() => unreachable.Sessions.AddAsync(The.Key, The.Subject, [The.AppSession], The.ExpiresAt, Ct));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => unreachable.ReplayCache.TryAddAsync(The.Issuer, The.Jti, The.ReplayExpiresAt, Ct));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => unreachable.Health.PingAsync(Ct));

        Assert.DoesNotContain(The.Sid, add.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(The.Subject, add.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutboxEnqueueCompleteDeadLetterRetry_KeepTheClientsPendingSortedSetExactly()
    {
        var key = new RedisKeys(_prefix).OutboxPendingOfClient(The.Issuer, The.ClientId);
        await Outbox.EnqueueAsync([OutboxEntryNumber(1), OutboxEntryNumber(2), OutboxEntryNumber(3) with { ClientId = The.OtherClientId }], Ct);
        Assert.Equal([OutboxIdNumber(1), OutboxIdNumber(2)], await MembersAsync(key));

        await Outbox.CompleteAsync(OutboxIdNumber(1), Ct);
        await Outbox.DeadLetterAsync(OutboxIdNumber(2), 1, "HTTP 400", Ct);
        Assert.Empty(await MembersAsync(key));

        Assert.True(await Outbox.RetryDeadLetterAsync(OutboxIdNumber(2), Ct));
        Assert.Equal([OutboxIdNumber(2)], await MembersAsync(key));
    }

    private static async Task<string[]> MembersAsync(string key)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        return [.. (await redis.GetDatabase().SortedSetRangeByRankAsync(key)).Select(v => (string)v!)];
    }

    private static async Task<TimeSpan> TimeToLiveAsync(string key)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        return await redis.GetDatabase().KeyTimeToLiveAsync(key) ?? TimeSpan.Zero;
    }
}
