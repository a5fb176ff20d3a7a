using LogoutEnricher.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>Log events of the PostgreSQL backend; their ids are in <see cref="EventIds"/> (5300-5399).</summary>
internal static partial class PostgreSqlLog
{
    [LoggerMessage(EventId = EventIds.PostgreSqlMigrationApplied, EventName = nameof(EventIds.PostgreSqlMigrationApplied), Level = LogLevel.Information, Message = "Applied PostgreSQL migration {Version} ({Name}) to schema {Schema}")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, string schema);
}
