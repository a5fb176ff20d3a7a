using Microsoft.Extensions.Logging;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Log events of the SQLite backend; ids 9100-9199 are reserved for it.</summary>
internal static partial class SqliteLog
{
    [LoggerMessage(9100, LogLevel.Information, "Applied SQLite migration {Version} ({Name}) to {DataSource}")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, string dataSource);
}
