using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

/// <summary>PostgreSQL readiness is whether the server takes a write, not whether it answers.</summary>
public sealed partial class PostgreSqlStorageTests
{
    [Fact]
    public async Task PingAsync_ServerRefusesWrites_ThrowsStorageUnavailable()
    {
        // Every transaction of this pool is read-only, as on a standby after a failover: reads work, writes fail.
        var readOnly = Open(Time, TestServers.PostgreSql + ";Options=-c default_transaction_read_only=on", _schema);
        await using var services = readOnly.Services;

        await services.Sessions.FindAsync(The.Key, Ct);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => services.Health.PingAsync(Ct));
    }
}
