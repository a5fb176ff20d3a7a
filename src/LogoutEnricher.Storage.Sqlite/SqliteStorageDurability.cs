using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>
/// Reads back, on a pooled connection, the journal mode and <c>synchronous</c> level every connection is opened with:
/// WAL with <c>synchronous=FULL</c> (2) or <c>EXTRA</c> (3) fsyncs the log at every commit.
/// </summary>
internal sealed class SqliteStorageDurability(SqliteConnectionFactory connections) : IStorageDurability
{
    public async Task<StorageDurability> CheckAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            var synchronous = await PragmaAsync(connection, "synchronous", cancellationToken);
            var journalMode = await PragmaAsync(connection, "journal_mode", cancellationToken);
            var level = synchronous switch { "0" => "OFF", "1" => "NORMAL", "2" => "FULL", "3" => "EXTRA", _ => synchronous };
            var findings = new List<DurabilityFinding>();
            if (level is not ("FULL" or "EXTRA"))
            {
                findings.Add(new("synchronous", level, "SQLite does not fsync every commit; this is a bug in LogoutEnricher, please report it.", Fatal: true));
            }

            return new StorageDurability(
                new Dictionary<string, string>(StringComparer.Ordinal) { ["synchronous"] = level, ["journal_mode"] = journalMode },
                findings,
                findings.Count == 0 ? "none: every commit is fsync'd (group commit shares one fsync among concurrent writes)" : "the last commits before a power loss");
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap("read its durability settings", ex);
        }
    }

    private static async Task<string> PragmaAsync(SqliteConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
