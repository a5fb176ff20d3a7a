using System.Text;
using LogoutEnricher.Testing;
using LogoutEnricher.Storage.Redis;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Tests;

public sealed partial class RedisStorageTests
{
    /// <summary>Every key under the test's prefix with every value it holds (hash fields, set and sorted set members, strings).</summary>
    protected override async Task<string> ReadEverythingAtRestAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var database = redis.GetDatabase();
        var text = new StringBuilder();
        await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: _prefix + "*", pageSize: 1000))
        {
            text.Append(key).Append(' ');
            switch (await database.KeyTypeAsync(key))
            {
                case RedisType.Hash:
                    text.AppendJoin(' ', (await database.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}"));
                    break;
                case RedisType.Set:
                    text.AppendJoin(' ', await database.SetMembersAsync(key));
                    break;
                case RedisType.SortedSet:
                    text.AppendJoin(' ', await database.SortedSetRangeByRankAsync(key));
                    break;
                default:
                    text.Append(await database.StringGetAsync(key));
                    break;
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>The layout of the previous version's add script: the mapping id, subject set and indexes embed sid and subject.</summary>
    protected override async Task WriteInTheOldLayoutAsync(SessionKey key, string? subject, AppSession session, DateTimeOffset expiresAt)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var database = redis.GetDatabase();
        var keys = new RedisKeys(_prefix);
        var id = RedisKeys.MappingId(key);
        var mapping = keys.Mapping(id);
        var clientIndex = keys.ClientIndex(key.Issuer, key.ClientId);
        await database.HashSetAsync(mapping,
        [
            new("e", expiresAt.ToUnixTimeMilliseconds()), new("ci", clientIndex),
            new("a:" + session.Handle, AppSessionValue.Encode(session)), new("c:" + session.Handle, Time.GetUtcNow().ToUnixTimeMilliseconds()),
        ]);
        if (subject is not null)
        {
            var subjectSet = keys.Subject(key.Issuer, key.ClientId, subject);
            await database.HashSetAsync(mapping, [new("u", subject), new("x", subjectSet)]);
            await database.SetAddAsync(subjectSet, id);
        }

        await database.SortedSetAddAsync(keys.MappingExpiry, id, expiresAt.ToUnixTimeMilliseconds());
        await database.SortedSetAddAsync(clientIndex, id, 0);
    }

    /// <summary>The previous version wrote no layout key.</summary>
    protected override async Task RevertToTheLayoutBeforeHashingAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        await redis.GetDatabase().KeyDeleteAsync(new RedisKeys(_prefix).Layout);
    }

    /// <summary>Redis has no schema: the layout moves with the mappings (<see cref="ProtectedSessionStore.ProtectExistingAsync"/>).</summary>
    protected override Task InitializeAgainAsync() => Task.CompletedTask;

    /// <summary>Note: disposing it deletes the test's keys too, which the test's own store does again at its end.</summary>
    protected override StorageUnderTest OpenReplica() => Open(Time, TestServers.Redis, _prefix);
}
