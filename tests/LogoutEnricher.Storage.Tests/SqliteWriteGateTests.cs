using LogoutEnricher.Storage.Sqlite;

namespace LogoutEnricher.Storage.Tests;

/// <summary>
/// The SQLite write gate: a request's write goes ahead of background writes (a single logout during a mass logout),
/// background writes are never starved, and a waiter that gives up leaves the gate to the next one.
/// </summary>
public sealed class SqliteWriteGateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Release_BackgroundWritersQueuedFirst_UrgentWriterGoesNext()
    {
        var gate = new SqliteWriteGate();
        Assert.True(await gate.WaitAsync(urgent: false, null, Ct));
        var order = new List<string>();
        var background = Enumerable.Range(0, 3).Select(n => EnterAsync(gate, false, $"background-{n}", order)).ToList();
        var urgent = EnterAsync(gate, true, "urgent", order);

        gate.Release();
        await Task.WhenAll([.. background, urgent]);

        Assert.Equal(["urgent", "background-0", "background-1", "background-2"], order);
    }

    [Fact]
    public async Task Release_UrgentWritersWithoutEnd_BackgroundWriterStillGetsEveryNinthTurn()
    {
        var gate = new SqliteWriteGate();
        Assert.True(await gate.WaitAsync(urgent: false, null, Ct));
        var order = new List<string>();
        var background = EnterAsync(gate, false, "background", order);
        var urgent = Enumerable.Range(0, SqliteWriteGate.UrgentInARow + 4).Select(n => EnterAsync(gate, true, $"urgent-{n}", order)).ToList();

        gate.Release();
        await Task.WhenAll([background, .. urgent]);

        Assert.Equal(SqliteWriteGate.UrgentInARow, order.IndexOf("background"));
        Assert.Equal(SqliteWriteGate.UrgentInARow + 5, order.Count);
    }

    [Fact]
    public async Task WaitAsync_TimeoutPassesWhileHeld_ReturnsFalseAndTheNextWaiterGetsTheGate()
    {
        var gate = new SqliteWriteGate();
        Assert.True(await gate.WaitAsync(urgent: false, null, Ct));

        var timedOut = await gate.WaitAsync(urgent: true, TimeSpan.FromMilliseconds(50), Ct);
        var next = gate.WaitAsync(urgent: false, null, Ct);
        gate.Release();

        Assert.False(timedOut);
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        gate.Release();
        Assert.True(await gate.WaitAsync(urgent: false, TimeSpan.Zero, Ct)); // open again: nobody else holds it
    }

    [Fact]
    public async Task WaitAsync_CancelledWhileWaiting_IsCancelledAndLeavesItsTurnToOthers()
    {
        var gate = new SqliteWriteGate();
        Assert.True(await gate.WaitAsync(urgent: false, null, Ct));
        using var cancel = new CancellationTokenSource();

        var cancelled = gate.WaitAsync(urgent: true, null, cancel.Token);
        var next = gate.WaitAsync(urgent: false, null, Ct);
        await cancel.CancelAsync();
        gate.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.False(await gate.WaitAsync(urgent: true, TimeSpan.Zero, Ct)); // the next waiter holds it
    }

    [Fact]
    public void Release_NotHeld_Throws()
    {
        var gate = new SqliteWriteGate();

        Assert.Throws<InvalidOperationException>(gate.Release);
    }

    /// <summary>Waits for the gate, notes the turn, and hands the gate on.</summary>
    private static async Task EnterAsync(SqliteWriteGate gate, bool urgent, string name, List<string> order)
    {
        Assert.True(await gate.WaitAsync(urgent, null, Ct));
        lock (order)
        {
            order.Add(name);
        }

        gate.Release();
    }
}
