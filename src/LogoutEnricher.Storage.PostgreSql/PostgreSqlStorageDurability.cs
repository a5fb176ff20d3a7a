using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>
/// Reads, on one of LogoutEnricher's own pooled connections, the settings that decide whether a commit is durable when
/// PostgreSQL acknowledges it: <c>synchronous_commit</c> (may be set per database, role or connection) and
/// <c>fsync</c> (whole server).
/// </summary>
internal sealed class PostgreSqlStorageDurability(PostgreSqlDatabase database) : IStorageDurability
{
    public Task<StorageDurability> CheckAsync(CancellationToken cancellationToken = default) =>
        database.RunAsync("read its durability settings", async connection =>
        {
            // Note: current_setting sees what this session got after server, database, role and connection string
            // applied theirs, which is what LogoutEnricher's own commits will do.
            await using var command = new NpgsqlCommand(
                "SELECT current_setting('synchronous_commit'), current_setting('fsync');", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var synchronousCommit = reader.GetString(0);
            var fsync = reader.GetString(1);

            var findings = new List<DurabilityFinding>();
            if (string.Equals(synchronousCommit, "off", StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(new("synchronous_commit", synchronousCommit,
                    "PostgreSQL acknowledges commits before they are flushed: set synchronous_commit to on for LogoutEnricher's "
                    + "database or role (ALTER DATABASE ... SET synchronous_commit = on), or remove it from the connection string's Options.",
                    Fatal: true));
            }

            if (string.Equals(fsync, "off", StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(new("fsync", fsync,
                    "the PostgreSQL server never flushes to disk (fsync=off): acknowledged writes are lost on power loss; turn fsync on in postgresql.conf.",
                    Fatal: false));
            }

            return new StorageDurability(
                new Dictionary<string, string>(StringComparer.Ordinal) { ["synchronous_commit"] = synchronousCommit, ["fsync"] = fsync },
                findings,
                findings.Count == 0 ? "none: a commit is acknowledged once flushed" : "unbounded: the server's last writes before a power loss");
        }, cancellationToken);
}
