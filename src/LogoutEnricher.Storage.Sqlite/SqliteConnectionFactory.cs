using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Opens pooled connections to the database file, each set up for concurrent use (WAL).</summary>
internal sealed class SqliteConnectionFactory : IDisposable
{
    private static readonly object Configured = new();

    private readonly string _connectionString;
    private readonly string _createConnectionString;
    private readonly string _directory;
    private readonly string _connectionPragmas;
    private readonly TimeSpan _busyTimeout;
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = new();
    private volatile bool _walEnabled;
    private volatile StrongBox<SqliteFileIdentity>? _adopted;

    public SqliteConnectionFactory(SqliteStorageOptions options, string? contentRoot)
    {
        var path = System.IO.Path.GetFullPath(options.Path, contentRoot ?? Directory.GetCurrentDirectory());
        DataSource = path;
        _directory = System.IO.Path.GetDirectoryName(path)!;
        _busyTimeout = options.BusyTimeout;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            // Note: once a file is adopted (migrated), never create one: a pooled connection opened after the file was
            // deleted would create an empty, unmigrated, 0644 one and the replica would go on as if nothing had happened.
            // Before that (the migration, a tool using the stores directly) SqliteFilePermissions creates it 0600 first.
            // Windows has no file modes and keeps creating.
            Mode = OperatingSystem.IsWindows() ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            // Note: off by default in SQLite, per connection; the app_sessions cascade depends on it.
            ForeignKeys = true,
            // Note: Microsoft.Data.Sqlite retries a statement that returned SQLITE_BUSY until the command timeout has
            // passed, and SQLite's busy handler gives up just before busy_timeout: equal limits meant a second full
            // wait (10 s for 5 s). One second, the least it takes, leaves SQLite's busy handler (busy_timeout, set
            // per open) as the one wait, and still retries a BUSY that SQLite returns without waiting.
            DefaultTimeout = 1,
        }.ToString();
        _createConnectionString = new SqliteConnectionStringBuilder(_connectionString) { Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
        // Note: synchronous=FULL fsyncs the WAL at every commit, so a committed write survives power loss: a 200 for a
        // capture or a queued logout means durable. NORMAL would be safe from corruption but could drop the last
        // commits. Group commit (SqliteGroupCommit) is what keeps the fsync per commit cheap.
        // secure_delete zeroes what a delete frees: a removed app session or a mapping rewritten with hashes
        // leaves no readable copy in the file's free pages.
        _connectionPragmas = "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;";
    }

    /// <summary>The absolute path of the database file.</summary>
    public string DataSource { get; }

    /// <summary>
    /// Opens a connection; throws <see cref="StorageUnavailableException"/> when the file cannot be opened, or when it is
    /// no longer the file the schema was migrated in (<see cref="Adopt"/>): deleted or replaced while in use.
    /// </summary>
    public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => OpenAsync(verifyFile: true, cancellationToken);

    /// <summary>Records the file at <see cref="DataSource"/> as the one connections may use: called once it is migrated.</summary>
    public void Adopt() => _adopted = SqliteFileIdentity.Of(DataSource) is { } identity ? new StrongBox<SqliteFileIdentity>(identity) : null;

    /// <summary>Whether the file at <see cref="DataSource"/> is still the adopted one (true before any was adopted).</summary>
    public bool IsAdoptedFileInPlace() => _adopted is not { } adopted || SqliteFileIdentity.Of(DataSource) == adopted.Value;

    /// <summary>The adoption a connection opened now belongs to: changes with every <see cref="Adopt"/>.</summary>
    internal object? Adoption => _adopted;

    /// <summary>Whether a connection opened under <paramref name="adoption"/> still writes into the file in place.</summary>
    internal bool StillServes(SqliteConnection connection, object? adoption) =>
        connection.State == System.Data.ConnectionState.Open && ReferenceEquals(adoption, _adopted) && IsAdoptedFileInPlace();

    /// <summary>
    /// Sets SQLite's busy timeout of <paramref name="connection"/> for the call about to use it: shortened by a
    /// request's wait budget (<see cref="StorageWaitBudget"/>).
    /// </summary>
    internal void ApplyBusyTimeout(SqliteConnection connection) =>
        SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, (int)Math.Ceiling(StorageWaitBudget.Limit(_busyTimeout).TotalMilliseconds));

    /// <param name="verifyFile">False only for the migration, which opens the file before adopting it.</param>
    internal async Task<SqliteConnection> OpenAsync(bool verifyFile, CancellationToken cancellationToken)
    {
        if (verifyFile && !IsAdoptedFileInPlace())
        {
            // Note: the pooled connections still write into the unlinked file, where nothing can ever be read again.
            Reset();
            throw new StorageUnavailableException(
                $"SQLite storage: the database file {DataSource} was deleted or replaced while in use; nothing is written until the readiness check has migrated a new one (event 5151).");
        }

        var adopted = _adopted is not null;
        var connection = new SqliteConnection(adopted ? _connectionString : _createConnectionString);
        try
        {
            if (!adopted)
            {
                SqliteFilePermissions.Apply(DataSource);
            }

            Directory.CreateDirectory(_directory);
            await connection.OpenAsync(cancellationToken);
            // Note: set at every open, not once per native connection: a request's wait budget (StorageWaitBudget)
            // shortens it, and the pool hands the same native connection to background work next.
            ApplyBusyTimeout(connection);
            // Note: the pragmas belong to the native connection, which the pool keeps open between uses; running
            // them once per native connection rather than once per open saves a statement on every store call.
            if (_configured.TryGetValue(connection.Handle!, out _))
            {
                return connection;
            }

            await using var command = connection.CreateCommand();
            // Note: the journal mode is stored in the file, so one successful switch per process is enough.
            command.CommandText = _walEnabled ? _connectionPragmas : "PRAGMA journal_mode=WAL; " + _connectionPragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            _walEnabled = true;
            _configured.AddOrUpdate(connection.Handle!, Configured);
            return connection;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            await connection.DisposeAsync();
            throw new StorageUnavailableException("SQLite storage could not open the database file.", ex);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs one query with parameters <c>$max</c> = <paramref name="maxCount"/> on a pooled connection and reads every
    /// row with <paramref name="read"/>; a failure becomes <see cref="StorageUnavailableException"/> naming <paramref name="operation"/>.
    /// </summary>
    public async Task<List<T>> ReadAsync<T>(string sql, int maxCount, Func<System.Data.Common.DbDataReader, T> read, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$max", maxCount);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await Relational.DbRows.ReadAllAsync(reader, read, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw SqliteFailure.Wrap(operation, ex);
        }
    }

    /// <summary>
    /// Forgets every pooled connection and the journal mode, so that the next open starts over on whatever file is at
    /// <see cref="DataSource"/> now (after the file was deleted or replaced under the pool).
    /// </summary>
    public void Reset()
    {
        _walEnabled = false;
        Dispose();
    }

    /// <summary>Closes the pooled connections, so that the file is released when the container is disposed.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
