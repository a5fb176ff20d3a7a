using LogoutEnricher.Storage.Redis;
using LogoutEnricher.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Tests;

/// <summary>
/// Entries accepted by a version without the per-client pending sets (no <c>pk</c> field, in no set) are added to
/// their client's set by the initializer at startup, once per store.
/// </summary>
public sealed partial class RedisStorageTests
{
    [Fact]
    public async Task Initializer_EntriesAcceptedBeforeThePendingSets_FindsTheOldestPending()
    {
        var oldest = OutboxEntryNumber(1) with { CreatedAt = Time.GetUtcNow() - TimeSpan.FromMinutes(10) };
        await Outbox.EnqueueAsync([oldest, OutboxEntryNumber(2)], Ct);
        await WriteTheOldWayAsync(OutboxIdNumber(1), OutboxIdNumber(2));
        Assert.Null(await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct));

        await InitializeAsync(TestServers.Redis);

        Assert.Equal(oldest, await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct));
        Assert.Equal([OutboxIdNumber(1), OutboxIdNumber(2)], await MembersAsync(new RedisKeys(_prefix).OutboxPendingOfClient(The.Issuer, The.ClientId)));
    }

    [Fact]
    public async Task Initializer_DeadLetterAcceptedBeforeThePendingSets_JoinsItsSetWhenRetried()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1)], Ct);
        await Outbox.DeadLetterAsync(OutboxIdNumber(1), 3, "HTTP 400", Ct);
        await WriteTheOldWayAsync(OutboxIdNumber(1));

        await InitializeAsync(TestServers.Redis);
        Assert.Null(await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct));
        Assert.True(await Outbox.RetryDeadLetterAsync(OutboxIdNumber(1), Ct));

        Assert.Equal(OutboxIdNumber(1), (await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct))?.Id);
    }

    [Fact]
    public async Task Initializer_SecondStart_DoesNotScanTheOutboxAgain()
    {
        await InitializeAsync(TestServers.Redis);
        await Outbox.EnqueueAsync([OutboxEntryNumber(1)], Ct);
        // Written the old way after the marker: only a scan would find it, and the marker says the store had its one.
        await WriteTheOldWayAsync(OutboxIdNumber(1));

        await InitializeAsync(TestServers.Redis);

        Assert.Null(await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        Assert.True(await redis.GetDatabase().KeyExistsAsync(new RedisKeys(_prefix).OutboxPendingBackfilled));
    }

    [Fact]
    public async Task Initializer_ThreeReplicasStartingAtOnce_EachEntryOnceInItsClientsSet()
    {
        await Outbox.EnqueueAsync([.. Enumerable.Range(1, 300).Select(n => OutboxEntryNumber(n) with { ClientId = n % 2 == 0 ? The.ClientId : The.OtherClientId })], Ct);
        await WriteTheOldWayAsync([.. Enumerable.Range(1, 300).Select(OutboxIdNumber)]);

        await Task.WhenAll(InitializeAsync(TestServers.Redis), InitializeAsync(TestServers.Redis), InitializeAsync(TestServers.Redis));

        var keys = new RedisKeys(_prefix);
        Assert.Equal(150, (await MembersAsync(keys.OutboxPendingOfClient(The.Issuer, The.ClientId))).Length);
        Assert.Equal(150, (await MembersAsync(keys.OutboxPendingOfClient(The.Issuer, The.OtherClientId))).Length);
        Assert.Equal(OutboxIdNumber(2), (await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct))?.Id);
    }

    [Fact]
    public async Task Initializer_RedisUnreachable_DoesNotThrowAndLeavesTheWorkForTheNextStart()
    {
        Assert.NotEmpty(TestServers.Redis);

        var exception = await Record.ExceptionAsync(() => InitializeAsync("127.0.0.1:1,connectTimeout=500"));

        Assert.Null(exception);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        Assert.False(await redis.GetDatabase().KeyExistsAsync(new RedisKeys(_prefix).OutboxPendingBackfilled));
    }

    private async Task InitializeAsync(string configuration)
    {
        await using var connection = new RedisConnection(new RedisStorageOptions { Configuration = configuration, KeyPrefix = _prefix });
        await new RedisStorageInitializer(connection, NullLogger<RedisStorageInitializer>.Instance).InitializeAsync(Ct);
    }

    /// <summary>As the version before the per-client sets left an entry: no <c>pk</c> field, in no client's set.</summary>
    private async Task WriteTheOldWayAsync(params string[] ids)
    {
        var keys = new RedisKeys(_prefix);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var database = redis.GetDatabase();
        foreach (var id in ids)
        {
            var pendingKey = (string)(await database.HashGetAsync(keys.OutboxEntryPrefix + id, "pk"))!;
            await database.SortedSetRemoveAsync(pendingKey, id);
            await database.HashDeleteAsync(keys.OutboxEntryPrefix + id, "pk");
        }
    }
}
