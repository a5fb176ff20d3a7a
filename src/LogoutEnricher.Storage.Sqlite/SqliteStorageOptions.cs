namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Where and how the embedded SQLite store keeps its data.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// The database file. A relative path resolves against the host's content root (or the current directory when
    /// there is no host); its directory is created when missing. Default: <c>data/logoutenricher.db</c>.
    /// </summary>
    public string Path { get; set; } = "data/logoutenricher.db";

    /// <summary>
    /// How long a statement waits for another writer to release the database before it fails with
    /// <see cref="StorageUnavailableException"/>. Must be positive. Within an HTTP request the wait is shorter when
    /// the request's budget (<c>Storage:RequestWaitLimit</c>) has less left. Default: 5 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Group commit: how long the first write of a transaction waits for other writers before the transaction is
    /// committed (one fsync for all of them). Zero commits at once, and writes that arrive during a commit still share
    /// the next one; a small wait only helps when writers arrive just apart. At most 100 ms. Default: zero.
    /// </summary>
    public TimeSpan GroupCommitMaxWait { get; set; } = TimeSpan.Zero;

    /// <summary>Group commit: at most this many writes share one transaction. At least 1. Default: 256.</summary>
    public int GroupCommitMaxBatch { get; set; } = 256;
}
