using LogoutEnricher.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Log events of the SQLite backend; their ids are in <see cref="EventIds"/> (5100-5199).</summary>
internal static partial class SqliteLog
{
    [LoggerMessage(EventId = EventIds.SqliteMigrationApplied, EventName = nameof(EventIds.SqliteMigrationApplied), Level = LogLevel.Information, Message = "Applied SQLite migration {Version} ({Name}) to {DataSource}")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, string dataSource);

    [LoggerMessage(EventId = EventIds.SqliteWriteProbeFailed, EventName = nameof(EventIds.SqliteWriteProbeFailed), Level = LogLevel.Error,
        Message = "SQLite storage cannot write to {DataSource} (SQLite error {ErrorCode}); readiness reports it until a write succeeds")]
    public static partial void WriteProbeFailed(ILogger logger, string dataSource, int errorCode);

    [LoggerMessage(EventId = EventIds.SqliteDatabaseRecreated, EventName = nameof(EventIds.SqliteDatabaseRecreated), Level = LogLevel.Error,
        Message = "The SQLite database {DataSource} was deleted or moved while open; a new, empty database was created there (what the old file held is lost)")]
    public static partial void DatabaseRecreated(ILogger logger, string dataSource);

    [LoggerMessage(EventId = EventIds.SqliteWritesRecovered, EventName = nameof(EventIds.SqliteWritesRecovered), Level = LogLevel.Warning,
        Message = "SQLite storage writes to {DataSource} again; the write-ahead log was checkpointed back from {WalBytes} bytes")]
    public static partial void WritesRecovered(ILogger logger, string dataSource, long walBytes);
}
