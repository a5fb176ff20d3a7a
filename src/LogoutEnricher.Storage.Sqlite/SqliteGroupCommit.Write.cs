using Microsoft.Data.Sqlite;

namespace LogoutEnricher.Storage.Sqlite;

internal sealed partial class SqliteGroupCommit
{
    /// <summary>One caller's part of a shared transaction: its own savepoint, committed with the group.</summary>
    internal sealed class SqliteWrite(SqliteGroupCommit group, Batch batch, string savepoint) : IAsyncDisposable
    {
        private bool _done;

        public SqliteConnection Connection => batch.Connection;

        public SqliteTransaction Transaction => batch.Transaction;

        /// <summary>Keeps this write in the group and returns once the group's transaction is durable.</summary>
        public async Task CommitAsync()
        {
            batch.Transaction.Release(savepoint);
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
                batch.Transaction.Rollback(savepoint);
                batch.Transaction.Release(savepoint);
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
            await _gate.WaitAsync();
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
    internal sealed class Batch(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable, IDisposable
    {
        public SqliteConnection Connection { get; } = connection;

        public SqliteTransaction Transaction { get; } = transaction;

        public TaskCompletionSource Durable { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Writes { get; set; }

        public void Dispose()
        {
            try
            {
                Transaction.Dispose();
            }
            catch (SqliteException)
            {
                // Note: SQLite already rolled the transaction back; closing the connection is what is left to do.
            }

            Connection.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
