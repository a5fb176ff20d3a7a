using System.Text;
using LogoutEnricher.Testing;
using Npgsql;

namespace LogoutEnricher.Storage.Tests;

public sealed partial class PostgreSqlStorageTests
{
    /// <summary>Every row of every table of the test's schema, as PostgreSQL prints it.</summary>
    protected override async Task<string> ReadEverythingAtRestAsync()
    {
        await using var connection = new NpgsqlConnection(TestServers.PostgreSql);
        await connection.OpenAsync(Ct);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", connection))
        {
            list.Parameters.AddWithValue(_schema);
            await using var reader = await list.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new StringBuilder();
        foreach (var table in tables)
        {
            await using var rows = new NpgsqlCommand($"SELECT t::text FROM \"{_schema}\".\"{table}\" t", connection);
            await using var reader = await rows.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                text.Append(table).Append(' ').AppendLine(reader.GetString(0));
            }
        }

        return text.ToString();
    }

    protected override async Task WriteInTheOldLayoutAsync(SessionKey key, string? subject, AppSession session, DateTimeOffset expiresAt)
    {
        await using var connection = new NpgsqlConnection(TestServers.PostgreSql);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand($"""
            WITH s AS (INSERT INTO "{_schema}".sessions (issuer, client_id, sid, sub, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id)
            INSERT INTO "{_schema}".app_sessions (session_id, handle, protected_id, host, captured_at) SELECT s.id, $6, $7, $8, $9 FROM s;
            """, connection);
        command.Parameters.AddWithValue(key.Issuer);
        command.Parameters.AddWithValue(key.ClientId);
        command.Parameters.AddWithValue(key.Sid);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)subject ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(expiresAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue(session.Handle);
        command.Parameters.AddWithValue(session.ProtectedId);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)session.Host ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(Time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(Ct);
    }

    protected override Task RevertToTheLayoutBeforeHashingAsync() => ExecuteAsync("""
        ALTER TABLE sessions DROP COLUMN protected_sid, DROP COLUMN protected_sub;
        DELETE FROM schema_migrations WHERE version = 5;
        """);

    protected override Task InitializeAgainAsync() => _initializer!.InitializeAsync(Ct);

    /// <summary>Note: disposing it drops the schema too (IF EXISTS), which the test's own store does again at its end.</summary>
    protected override StorageUnderTest OpenReplica() => Open(Time, TestServers.PostgreSql, _schema).Services;
}
