using LogoutEnricher.Testing;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Tests;

/// <summary>Redis readiness is whether the server takes a write, not whether it answers PING.</summary>
public sealed partial class RedisStorageTests
{
    [Fact]
    public async Task PingAsync_ServerRefusesWrites_ThrowsStorageUnavailable()
    {
        // A user that may read and PING but not write: the server answers and refuses every write, as a replica does.
        var user = $"logoutenricher-readonly-{Guid.NewGuid():N}";
        await using var admin = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var server = admin.GetServers()[0];
        await server.ExecuteAsync("ACL", "SETUSER", user, "on", ">read-only-test", "~*", "+@all", "-@write");
        try
        {
            var readOnly = Open(Time, $"{TestServers.Redis},user={user},password=read-only-test", _prefix);
            await using var owner = readOnly;

            await readOnly.Sessions.FindAsync(The.Key, Ct);
            await Assert.ThrowsAsync<StorageUnavailableException>(() => readOnly.Health.PingAsync(Ct));
        }
        finally
        {
            await server.ExecuteAsync("ACL", "DELUSER", user);
        }
    }
}
