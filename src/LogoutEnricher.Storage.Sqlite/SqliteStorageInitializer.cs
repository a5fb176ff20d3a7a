using LogoutEnricher.Storage.Migrations;
using LogoutEnricher.Storage.Relational;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>
/// Creates or upgrades the database schema. <see cref="SqliteStorageExtensions.AddSqliteStorage"/> registers a hosted
/// service that calls it before the host starts serving; call it yourself only when the stores are used without a
/// host (tools, tests). Safe to call more than once and from several processes at a time.
/// </summary>
public sealed class SqliteStorageInitializer : IStorageInitializer
{
    private const string CreateHistorySql = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at INTEGER NOT NULL -- unix milliseconds
        );
        """;

    private const string IsAppliedSql = "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $version);";

    private const string RecordSql = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($version, $name, $now);";

    private readonly SqliteConnectionFactory _connections;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal SqliteStorageInitializer(SqliteConnectionFactory connections, TimeProvider time, ILogger logger)
    {
        _connections = connections;
        _time = time;
        _logger = logger;
    }

    /// <summary>The embedded <c>Migrations/NNN_name.sql</c> scripts of this backend, in version order.</summary>
    internal static IReadOnlyList<EmbeddedMigration> Migrations { get; } = EmbeddedMigrations.Load(typeof(SqliteStorageInitializer).Assembly);

    /// <summary>
    /// Applies every embedded migration not yet recorded in <c>schema_migrations</c>, each in its own transaction.
    /// Throws <see cref="StorageUnavailableException"/> when the database cannot be opened or a script fails.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        SqliteFilePermissions.Apply(_connections.DataSource);
        try
        {
            await using var connection = await _connections.OpenAsync(verifyFile: false, cancellationToken);
            await using (var create = connection.CreateCommand())
            {
                create.CommandText = CreateHistorySql;
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var migration in Migrations)
            {
                await ApplyAsync(connection, migration, cancellationToken);
            }

            _connections.Adopt();
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("migrate the database schema", ex);
        }
    }

    private async Task ApplyAsync(SqliteConnection connection, EmbeddedMigration migration, CancellationToken cancellationToken)
    {
        // Note: the check runs inside the write transaction, so two processes starting together apply a script once.
        await using var transaction = connection.BeginTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$version", migration.Version);
        command.CommandText = IsAppliedSql;
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1)
        {
            return;
        }

        command.CommandText = migration.Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = RecordSql;
        command.Parameters.AddWithValue("$name", migration.Name);
        command.Parameters.AddWithValue("$now", _time.NowMs());
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        SqliteLog.MigrationApplied(_logger, migration.Version, migration.Name, _connections.DataSource);
    }
}
