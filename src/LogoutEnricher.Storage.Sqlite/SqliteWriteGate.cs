namespace LogoutEnricher.Storage.Sqlite;

/// <summary>
/// The one-at-a-time gate in front of the database's single writer, with two lanes: a write made for a request that
/// is waiting for its answer (a logout Keycloak is waiting on, a capture) goes ahead of background writes (the
/// dispatcher's leases and completions, a fan-out's queued pages, the trail). Without it a single logout arriving during
/// a mass logout waited behind hundreds of background writes for its acknowledgement.
/// </summary>
/// <remarks>
/// Note: background work is never starved: after <see cref="UrgentInARow"/> urgent turns in a row while background
/// writes wait, one background write goes. Within a lane, waiters are served in arrival order.
/// </remarks>
internal sealed class SqliteWriteGate
{
    /// <summary>Urgent turns granted in a row before a waiting background write gets one.</summary>
    internal const int UrgentInARow = 8;

    private readonly object _lock = new();
    private readonly LinkedList<Waiter> _urgent = new();
    private readonly LinkedList<Waiter> _background = new();
    private bool _held;
    private int _urgentGranted;

    /// <summary>
    /// Waits for the gate; false when <paramref name="timeout"/> passed first. <paramref name="urgent"/> writes are
    /// let in before background ones.
    /// </summary>
    public Task<bool> WaitAsync(bool urgent, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                _urgentGranted = 0;
                return Task.FromResult(true);
            }

            if (timeout == TimeSpan.Zero)
            {
                return Task.FromResult(false);
            }

            waiter = new Waiter();
            waiter.Node = (urgent ? _urgent : _background).AddLast(waiter);
            // Note: armed under the lock, so Release never lets in a waiter whose timer is not yet set (the lock is
            // re-entrant: a token already cancelled withdraws the waiter right here).
            waiter.Arm(this, timeout, cancellationToken);
        }

        return waiter.Task;
    }

    /// <summary>Lets the next waiter in (urgent first, but not forever), or opens the gate.</summary>
    public void Release()
    {
        Waiter? next;
        lock (_lock)
        {
            if (!_held)
            {
                throw new InvalidOperationException("The SQLite write gate was released without being held.");
            }

            var takeBackground = _background.Count > 0 && (_urgent.Count == 0 || _urgentGranted >= UrgentInARow);
            var lane = takeBackground ? _background : _urgent.Count > 0 ? _urgent : null;
            if (lane is null)
            {
                _held = false;
                _urgentGranted = 0;
                return;
            }

            next = lane.First!.Value;
            lane.RemoveFirst();
            next.Node = null;
            _urgentGranted = takeBackground ? 0 : _urgentGranted + 1;
        }

        next.Grant();
    }

    /// <summary>Takes a waiter out of its lane when it stops waiting; false when it was already let in.</summary>
    private bool TryWithdraw(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node is not { } node)
            {
                return false;
            }

            node.List!.Remove(node);
            waiter.Node = null;
            return true;
        }
    }

    private sealed class Waiter : IDisposable
    {
        private readonly TaskCompletionSource<bool> _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenSource? _timer;
        private CancellationTokenRegistration _cancellation;

        /// <summary>Its place in a lane while it waits (guarded by the gate's lock); null once let in or withdrawn.</summary>
        public LinkedListNode<Waiter>? Node { get; set; }

        public Task<bool> Task => _entered.Task;

        public void Arm(SqliteWriteGate gate, TimeSpan? timeout, CancellationToken cancellationToken)
        {
            if (timeout is { } limit && limit != Timeout.InfiniteTimeSpan)
            {
                _timer = new CancellationTokenSource(limit);
                _timer.Token.UnsafeRegister(static state =>
                {
                    var (gate, waiter) = ((SqliteWriteGate, Waiter))state!;
                    if (gate.TryWithdraw(waiter))
                    {
                        waiter._cancellation.Dispose();
                        waiter._entered.TrySetResult(false);
                    }
                }, (gate, this));
            }

            if (cancellationToken.CanBeCanceled)
            {
                _cancellation = cancellationToken.UnsafeRegister(static (state, token) =>
                {
                    var (gate, waiter) = ((SqliteWriteGate, Waiter))state!;
                    if (gate.TryWithdraw(waiter))
                    {
                        waiter._timer?.Dispose();
                        waiter._entered.TrySetCanceled(token);
                    }
                }, (gate, this));
            }
        }

        /// <summary>Lets it in (it was taken out of its lane under the gate's lock).</summary>
        public void Grant()
        {
            Dispose();
            _entered.TrySetResult(true);
        }

        public void Dispose()
        {
            _timer?.Dispose();
            _cancellation.Dispose();
        }
    }
}
