using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>
/// Readiness: the file takes a write. A read alone stays green while every write fails (disk full, or the file deleted
/// under pooled connections, where SQLite still reads the unlinked file), so the probe upserts one row of the replay
/// table, which the purge removes like any expired entry. The probe also recovers: a deleted or moved file is
/// replaced by a freshly migrated one, and after failed writes the write-ahead log is truncated once a write succeeds
/// again, so that a log grown while the disk was full does not fill it again.
/// </summary>
internal sealed class SqliteStorageHealth(SqliteConnectionFactory connections, SqliteStorageInitializer initializer, TimeProvider time, ILogger logger)
    : IStorageHealth
{
    /// <summary>The replay-cache issuer under which the probe writes; no provider issuer looks like it.</summary>
    public const string ProbeIssuer = "urn:logoutenricher:readiness-probe";

    private const int ReadOnlyDatabaseMoved = 1032;

    private const string ProbeSql = """
        INSERT INTO replay (issuer, jti, expires_at) VALUES ($issuer, 'write', $expires)
        ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = excluded.expires_at;
        """;

    private volatile bool _failing;

    public async Task PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (!connections.IsAdoptedFileInPlace())
            {
                // Note: in WAL mode SQLite goes on writing into an unlinked file through the pooled connections (it
                // reports SQLITE_READONLY_DBMOVED only in rollback-journal mode), so the file's identity is checked
                // here, as every store call does; this check is the one place that puts a migrated file back.
                _failing = true;
                await RecreateAsync(cancellationToken);
                throw new StorageUnavailableException(
                    $"SQLite storage: the database file {connections.DataSource} was deleted or replaced while in use; a new one was migrated in its place (event 5151), what the deleted file held is lost.");
            }

            await ProbeAsync(cancellationToken);
            CheckFreeSpace();
        }
        catch (SqliteException ex)
        {
            _failing = true;
            SqliteLog.WriteProbeFailed(logger, connections.DataSource, ex.SqliteExtendedErrorCode);
            if (ex.SqliteExtendedErrorCode == ReadOnlyDatabaseMoved || !File.Exists(connections.DataSource))
            {
                await RecreateAsync(cancellationToken);
            }

            throw SqliteFailure.Wrap("write a readiness probe", ex);
        }

        if (_failing)
        {
            _failing = false;
            await TruncateWriteAheadLogAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A full volume does not always fail a small write (it may fit where a failed larger one had already grown the
    /// log), while every mapping with a few application sessions fails: less than this much free space is not ready.
    /// </summary>
    public const long MinimumFreeBytes = 1024 * 1024;

    private void CheckFreeSpace()
    {
        long available;
        try
        {
            available = new DriveInfo(Path.GetDirectoryName(connections.DataSource)!).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return; // Note: no figure for this volume; the write probe alone decides.
        }

        if (available < MinimumFreeBytes)
        {
            _failing = true;
            throw new StorageUnavailableException(
                $"SQLite storage has {available} bytes free on the volume of {connections.DataSource}; writes fail below {MinimumFreeBytes}.");
        }
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Note: a write into a table of the migrated schema also catches a file that was replaced or never migrated.
        command.CommandText = ProbeSql;
        command.Parameters.AddWithValue("$issuer", ProbeIssuer);
        command.Parameters.AddWithValue("$expires", time.GetUtcNow().AddMinutes(1).ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The file went while the pool held it open: drop the pool and a stale write-ahead log (which must never be
    /// replayed into a new file), then migrate a new file. The next probe reports whether that worked.
    /// </summary>
    private async Task RecreateAsync(CancellationToken cancellationToken)
    {
        connections.Reset();
        if (!File.Exists(connections.DataSource))
        {
            File.Delete(connections.DataSource + "-wal");
            File.Delete(connections.DataSource + "-shm");
        }

        try
        {
            await initializer.InitializeAsync(cancellationToken);
            SqliteLog.DatabaseRecreated(logger, connections.DataSource);
        }
        catch (StorageUnavailableException)
        {
            // Still failing (e.g. the directory went too): readiness stays red and the next probe tries again.
        }
    }

    private async Task TruncateWriteAheadLogAsync(CancellationToken cancellationToken)
    {
        var wal = new FileInfo(connections.DataSource + "-wal");
        var walBytes = wal.Exists ? wal.Length : 0;
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await using var result = await command.ExecuteReaderAsync(cancellationToken);
            if (await result.ReadAsync(cancellationToken) && result.GetInt64(0) != 0)
            {
                // Busy: a reader still needs the log; the next probe tries again.
                _failing = true;
                return;
            }
        }
        catch (SqliteException)
        {
            // A reader holds the log (busy): the next recovery or SQLite's own checkpoints shrink it later.
            _failing = true;
            return;
        }

        SqliteLog.WritesRecovered(logger, connections.DataSource, walBytes);
    }
}
