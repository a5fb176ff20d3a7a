using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>
/// Turns driver errors into the backend-neutral <see cref="StorageUnavailableException"/>. The message names the
/// operation only: keys, subjects and session ids never appear in it, because it ends up in logs.
/// </summary>
internal static class SqliteFailure
{
    public static StorageUnavailableException Wrap(string operation, SqliteException exception) =>
        new($"SQLite storage could not {operation}.", exception);
}
