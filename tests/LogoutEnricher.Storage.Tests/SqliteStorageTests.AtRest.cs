using System.Text;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Tests;

public sealed partial class SqliteStorageTests
{
    /// <summary>The bytes of the database file and its write-ahead log and shared memory, as they are on disk.</summary>
    protected override async Task<string> ReadEverythingAtRestAsync()
    {
        var text = new StringBuilder();
        foreach (var path in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" }.Where(File.Exists))
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            await file.CopyToAsync(memory, Ct);
            text.Append(Encoding.Latin1.GetString(memory.ToArray()));
        }

        return text.ToString();
    }

    protected override async Task WriteInTheOldLayoutAsync(SessionKey key, string? subject, AppSession session, DateTimeOffset expiresAt)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO sessions (issuer, client_id, sid, sub, expires_at) VALUES ($issuer, $client, $sid, $sub, $expires);
            INSERT INTO app_sessions (issuer, client_id, sid, handle, protected_id, host, captured_at)
            VALUES ($issuer, $client, $sid, $handle, $protected, $host, $captured);
            """;
        command.Parameters.AddWithValue("$issuer", key.Issuer);
        command.Parameters.AddWithValue("$client", key.ClientId);
        command.Parameters.AddWithValue("$sid", key.Sid);
        command.Parameters.AddWithValue("$sub", (object?)subject ?? DBNull.Value);
        command.Parameters.AddWithValue("$expires", expiresAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$handle", session.Handle);
        command.Parameters.AddWithValue("$protected", session.ProtectedId);
        command.Parameters.AddWithValue("$host", (object?)session.Host ?? DBNull.Value);
        command.Parameters.AddWithValue("$captured", Time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(Ct);
    }

    protected override Task RevertToTheLayoutBeforeHashingAsync() => QueryAsync("""
        DROP INDEX ix_sessions_unprotected;
        ALTER TABLE sessions DROP COLUMN protected_sid;
        ALTER TABLE sessions DROP COLUMN protected_sub;
        DELETE FROM schema_migrations WHERE version = 5;
        """);

    protected override Task InitializeAgainAsync() => _open!.Initializer.InitializeAsync(Ct);

    protected override StorageUnderTest OpenReplica() => Open(Time, DatabasePath).Services;
}
