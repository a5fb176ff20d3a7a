using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

internal sealed partial class SqliteGroupCommit
{
    /// <summary>One caller's part of a shared transaction: its own savepoint, committed with the group.</summary>
    internal sealed class SqliteWrite(SqliteGroupCommit group, Batch batch) : IAsyncDisposable
    {
        private bool _done;

        public SqliteConnection Connection => batch.Connection;

        public SqliteTransaction Transaction => batch.Transaction;

        /// <summary>
        /// The statement <paramref name="sql"/>, prepared once per connection and reused: in this write's transaction,
        /// without parameters. Owned by the group commit: never dispose it.
        /// </summary>
        public SqliteCommand Command(string sql) => batch.Command(sql);

        /// <summary>Keeps this write in the group and returns once the group's transaction is durable.</summary>
        public async Task CommitAsync()
        {
            batch.ReleaseSavepoint();
            batch.Writes++;
            _done = true;
            var first = batch.Writes == 1;
            group._gate.Release();
            await group.FlushAsync(batch, first);
        }

        /// <summary>Without <see cref="CommitAsync"/>: rolls back this write's statements only.</summary>
        public ValueTask DisposeAsync()
        {
            if (_done)
            {
                return ValueTask.CompletedTask;
            }

            _done = true;
            try
            {
                batch.RollbackSavepoint();
                if (batch.Writes == 0)
                {
                    // Note: no other write of this batch is waiting to commit it, so it must not keep the lock.
                    group.Abandon(batch, null);
                }
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                group.Abandon(batch, ex);
            }
            finally
            {
                if (ReferenceEquals(group._open, batch) && !IsOpen(batch))
                {
                    group.Abandon(batch, null);
                }

                group._gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// Every write of a batch asks for its commit; the first one through the gate commits for all, the others find it
    /// done. Writes already queued on the gate get in first, so they share the commit.
    /// </summary>
    private async Task FlushAsync(Batch batch, bool first)
    {
        if (first && _maxWait > TimeSpan.Zero)
        {
            await Task.Delay(_maxWait);
        }

        if (!batch.Durable.Task.IsCompleted)
        {
            // Note: the commit of a batch holding a request's write is as urgent as the write was.
            await _gate.WaitAsync(urgent: StorageWaitBudget.ForRequest, timeout: null, CancellationToken.None);
            try
            {
                if (ReferenceEquals(_open, batch))
                {
                    await CommitOpenBatchAsync();
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        await batch.Durable.Task;
    }

    /// <summary>The shared transaction and the writes committed into it.</summary>
    internal sealed class Batch(WriteConnection owner, SqliteTransaction transaction)
    {
        private const string SavepointSql = "SAVEPOINT w;";
        private const string ReleaseSql = "RELEASE w;";
        private const string RollbackSql = "ROLLBACK TO w; RELEASE w;";

        public WriteConnection Owner { get; } = owner;

        public SqliteConnection Connection => Owner.Connection;

        public SqliteTransaction Transaction { get; } = transaction;

        public TaskCompletionSource Durable { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Writes { get; set; }

        public SqliteCommand Command(string sql)
        {
            var command = Owner.Command(sql);
            command.Transaction = Transaction;
            return command;
        }

        public void Savepoint() => Command(SavepointSql).ExecuteNonQuery();

        public void ReleaseSavepoint() => Command(ReleaseSql).ExecuteNonQuery();

        public void RollbackSavepoint() => Command(RollbackSql).ExecuteNonQuery();

        /// <summary>Ends the transaction (rolled back unless committed); false when that failed and the connection is suspect.</summary>
        public bool End()
        {
            try
            {
                Transaction.Dispose();
                return true;
            }
            catch (SqliteException)
            {
                // Note: SQLite already rolled the transaction back; the connection goes (its owner drops it).
                return false;
            }
        }
    }

    /// <summary>The connection the writes run on, kept open with the statements prepared on it.</summary>
    internal sealed class WriteConnection(SqliteConnection connection, object? adoption) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public SqliteConnection Connection { get; } = connection;

        /// <summary>Which adopted database file it was opened on (<see cref="SqliteConnectionFactory.Adoption"/>).</summary>
        public object? Adoption { get; } = adoption;

        public SqliteCommand Command(string sql)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = Connection.CreateCommand();
                command.CommandText = sql;
                _commands.Add(sql, command);
            }

            command.Parameters.Clear();
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
            Connection.Dispose();
        }
    }
}
