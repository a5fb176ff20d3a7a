using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>
/// Group commit: concurrent writes share one transaction and so one fsync of the WAL. Each write runs inside its own
/// savepoint of the shared transaction (so a failing write is rolled back alone) and its caller is answered only when
/// the transaction holding it has committed durably (<c>synchronous=FULL</c>).
/// </summary>
/// <remarks>
/// Note: SQLite has one writer per database, so the writes of this process are serialised by <see cref="_gate"/>
/// anyway (a request's writes ahead of background ones, see <see cref="SqliteWriteGate"/>); the writes that queue on
/// it while a commit is being fsync'd join the next transaction, which is what makes the batching "natural" (no wait
/// at low load, large batches at saturation). <see cref="SqliteStorageOptions.GroupCommitMaxWait"/>
/// adds an optional bounded wait for more writers before the commit. The gate is held during the commit: a writer
/// that opened a second transaction meanwhile would only sleep in SQLite's busy handler (1 ms steps and more).
/// <para>
/// Note: the writes run on one connection kept open for them (they are serialised by the gate anyway), with its
/// statements prepared once and reused (<see cref="SqliteWrite.Command"/>): preparing a statement costs more CPU than
/// running it. A connection that saw an error, or a database file that was replaced, gets a fresh connection.
/// </para>
/// </remarks>
internal sealed partial class SqliteGroupCommit(SqliteConnectionFactory connections, SqliteStorageOptions options) : IDisposable
{
    private readonly SqliteWriteGate _gate = new();
    private WriteConnection? _connection;
    private readonly TimeSpan _maxWait = options.GroupCommitMaxWait;
    private readonly int _maxBatch = options.GroupCommitMaxBatch;
    private Batch? _open;
    private long _commits;
    private long _writes;

    /// <summary>Transactions committed so far (each one fsync); with <see cref="Writes"/> it shows the batching.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Writes made durable so far.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>
    /// Starts a write: the caller gets the shared connection and transaction, runs its statements, then calls
    /// <see cref="SqliteWrite.CommitAsync"/>. Disposing it without committing rolls back only its own statements.
    /// </summary>
    public async Task<SqliteWrite> BeginAsync(CancellationToken cancellationToken)
    {
        // Note: a writer ahead may be waiting for another process's lock; a request waits for the gate no longer
        // than its budget (StorageWaitBudget), then the store counts as unavailable, as for the lock itself. A write
        // with a budget is one a request waits for, so it goes ahead of background writes.
        if (!await _gate.WaitAsync(urgent: StorageWaitBudget.ForRequest, StorageWaitBudget.CallLimit, cancellationToken))
        {
            throw new StorageUnavailableException("SQLite storage is busy: another writer held the database for longer than this request may wait.");
        }

        try
        {
            if (_open is { } full && full.Writes >= _maxBatch)
            {
                await CommitOpenBatchAsync();
            }

            var batch = _open ??= await OpenBatchAsync(cancellationToken);
            // Note: one savepoint name serves every write: the gate lets one write at a time into the batch, and each
            // releases (or rolls back) its savepoint before it lets the next one in.
            batch.Savepoint();
            return new SqliteWrite(this, batch);
        }
        catch
        {
            // Note: a batch that nobody will commit (no write in it yet) must not keep the write lock, and one whose
            // transaction SQLite rolled back has lost its writes: they are failed, not silently dropped.
            if (_open is { } broken && (broken.Writes == 0 || !IsOpen(broken)))
            {
                Abandon(broken, null);
            }

            _gate.Release();
            throw;
        }
    }

    private async Task<Batch> OpenBatchAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } kept && !connections.StillServes(kept.Connection, kept.Adoption))
        {
            // Note: the file was replaced (or a new one adopted) since this connection was opened: it writes into the old one.
            DropConnection();
        }

        var connection = _connection ??= new WriteConnection(await connections.OpenAsync(cancellationToken), connections.Adoption);
        try
        {
            connections.ApplyBusyTimeout(connection.Connection);
            // Note: BeginTransaction takes the write lock up front (BEGIN IMMEDIATE); a deferred transaction that
            // upgrades from read to write can fail with SQLITE_BUSY without waiting for the busy timeout.
            return new Batch(connection, connection.Connection.BeginTransaction());
        }
        catch
        {
            DropConnection();
            throw;
        }
    }

    /// <summary>Closes the kept connection (and its prepared statements); the next batch opens a new one.</summary>
    private void DropConnection()
    {
        _connection?.Dispose();
        _connection = null;
    }

    /// <summary>Commits the open batch; the caller holds the gate.</summary>
    private async Task CommitOpenBatchAsync()
    {
        var batch = _open!;
        _open = null;
        try
        {
            await batch.Transaction.CommitAsync(CancellationToken.None);
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _writes, batch.Writes);
            batch.Durable.TrySetResult();
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
        {
            batch.Durable.TrySetException(new StorageUnavailableException("SQLite storage could not commit a group of writes.", ex));
            batch.End();
            DropConnection();
            return;
        }

        if (!batch.End())
        {
            DropConnection();
        }
    }

    /// <summary>Fails every write of a batch whose transaction SQLite rolled back (an I/O error, a full disk).</summary>
    private void Abandon(Batch batch, Exception? cause)
    {
        if (ReferenceEquals(_open, batch))
        {
            _open = null;
        }

        if (batch.Writes > 0)
        {
            batch.Durable.TrySetException(cause is null
                ? new StorageUnavailableException("SQLite storage rolled back a group of writes.")
                : new StorageUnavailableException("SQLite storage rolled back a group of writes.", cause));
        }

        // Note: after an error nothing about the connection is trusted: it goes, with its statements.
        if (!batch.End() || cause is not null)
        {
            if (ReferenceEquals(_connection, batch.Owner))
            {
                DropConnection();
            }
        }
    }

    private static bool IsOpen(Batch batch) =>
        batch.Connection.Handle is { } handle && SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0;

    public void Dispose() => DropConnection();
}
