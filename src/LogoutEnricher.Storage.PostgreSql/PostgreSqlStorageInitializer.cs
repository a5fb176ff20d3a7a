using LogoutEnricher.Storage.Migrations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>
/// Creates or upgrades the schema. <see cref="PostgreSqlStorageExtensions.AddPostgreSqlStorage"/> registers a hosted
/// service that calls it before the host serves; call it yourself only when the stores are used without a host.
/// Safe to call more than once and from several replicas at a time.
/// </summary>
public sealed class PostgreSqlStorageInitializer : IStorageInitializer
{
    private const string IsAppliedSql = "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1);";

    private const string RecordSql = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3);";

    private readonly PostgreSqlDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal PostgreSqlStorageInitializer(PostgreSqlDatabase database, TimeProvider time, ILogger logger)
    {
        _database = database;
        _time = time;
        _logger = logger;
    }

    /// <summary>The embedded <c>Migrations/NNN_name.sql</c> scripts of this backend, in version order.</summary>
    internal static IReadOnlyList<EmbeddedMigration> Migrations { get; } = EmbeddedMigrations.Load(typeof(PostgreSqlStorageInitializer).Assembly);

    /// <summary>
    /// Applies every embedded migration not yet recorded in <c>schema_migrations</c>, each in its own transaction,
    /// under an advisory lock: replicas that start together wait for each other instead of racing on DDL.
    /// Throws <see cref="StorageUnavailableException"/> when the database cannot be reached or a script fails.
    /// </summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) =>
        _database.RunAsync("migrate the database schema", async connection =>
        {
            var schema = _database.Schema;
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock(hashtext('logoutenricher.migrations.' || '{schema}'));", cancellationToken);
            try
            {
                await ExecuteAsync(connection, null, $"""
                    CREATE SCHEMA IF NOT EXISTS "{schema}";
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version    int    NOT NULL PRIMARY KEY,
                        name       text   NOT NULL,
                        applied_at bigint NOT NULL
                    );
                    """, cancellationToken);
                foreach (var migration in Migrations)
                {
                    await ApplyAsync(connection, migration, cancellationToken);
                }
            }
            finally
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock(hashtext('logoutenricher.migrations.' || '{schema}'));", CancellationToken.None);
            }
        }, cancellationToken);

    private async Task ApplyAsync(NpgsqlConnection connection, EmbeddedMigration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var check = new NpgsqlCommand(IsAppliedSql, connection, transaction))
        {
            check.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
            if ((bool)(await check.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }
        }

        await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
        await using (var record = new NpgsqlCommand(RecordSql, connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _time.GetUtcNow().ToUnixTimeMilliseconds() });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        PostgreSqlLog.MigrationApplied(_logger, migration.Version, migration.Name, _database.Schema);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
