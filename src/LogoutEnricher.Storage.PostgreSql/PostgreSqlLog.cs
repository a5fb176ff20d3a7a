using Microsoft.Extensions.Logging;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>Log events of the PostgreSQL backend; ids 9300-9399 are reserved for it.</summary>
internal static partial class PostgreSqlLog
{
    [LoggerMessage(9300, LogLevel.Information, "Applied PostgreSQL migration {Version} ({Name}) to schema {Schema}")]
    public static partial void MigrationApplied(ILogger logger, int version, string name, string schema);
}
