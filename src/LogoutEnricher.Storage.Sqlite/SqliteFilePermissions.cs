namespace LogoutEnricher.Storage.Sqlite;

/// <summary>
/// Keeps the database readable by its owner only: the file holds mappings and the outbox. SQLite
/// gives the write-ahead log and shared-memory files the mode of the database file, so creating that one 0600 before
/// SQLite does is enough for new files; files left 0644 by an older version are tightened.
/// </summary>
internal static class SqliteFilePermissions
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (empty, 0600) when missing and tightens it and its -wal/-shm files.</summary>
    /// <exception cref="StorageUnavailableException">The directory or a file cannot be created or changed.</exception>
    public static void Apply(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (!File.Exists(path))
            {
                CreateEmpty(path);
            }

            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                if (File.Exists(file) && (File.GetUnixFileMode(file) & ~OwnerOnly) != 0)
                {
                    File.SetUnixFileMode(file, OwnerOnly);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageUnavailableException("SQLite storage could not set the permissions of the database file.", ex);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CreateEmpty(string path)
    {
        try
        {
            // Note: an empty file is a valid empty database to SQLite.
            using var _ = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; its mode is checked next.
        }
    }
}
