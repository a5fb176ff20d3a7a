using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

/// <summary>
/// The outbox contract: what a dispatcher relies on to deliver every accepted logout at least once, from any number
/// of replicas. Leases are in <c>StorageContractTests.OutboxLeases.cs</c>.
/// </summary>
public abstract partial class StorageContractTests
{
    [Fact]
    public async Task OutboxEnqueueAsync_OneEntry_LeaseReturnsItUnchanged()
    {
        var entry = OutboxEntryNumber(1);
        await Outbox.EnqueueAsync([entry], Ct);

        var leased = await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct);

        Assert.Equal([entry], leased);
    }

    [Fact]
    public async Task OutboxEnqueueAsync_SeveralEntries_AllAreLeasableOldestDueFirst()
    {
        var entries = Enumerable.Range(1, 5).Select(n => OutboxEntryNumber(n, dueIn: TimeSpan.FromSeconds(-n))).ToArray();

        await Outbox.EnqueueAsync(entries, Ct);

        Assert.Equal(new OutboxCounts(5, 0), await Outbox.CountAsync(Ct));
        Assert.Equal([.. entries.Reverse()], await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct));
    }

    [Fact]
    public async Task OutboxEnqueueAsync_NoEntries_DoesNothing()
    {
        await Outbox.EnqueueAsync([], Ct);

        Assert.Equal(new OutboxCounts(0, 0), await Outbox.CountAsync(Ct));
    }

    [Fact]
    public async Task OutboxCompleteAsync_LeasedEntry_RemovesIt()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1), OutboxEntryNumber(2)], Ct);
        await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct);

        await Outbox.CompleteAsync(OutboxIdNumber(1), Ct);
        await Outbox.CompleteAsync("no-such-entry", Ct);
        Time.Advance(The.LeaseDuration + TimeSpan.FromSeconds(1));

        Assert.Equal(new OutboxCounts(1, 0), await Outbox.CountAsync(Ct));
        Assert.Equal([OutboxIdNumber(2)], IdsOf(await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct)));
    }

    [Fact]
    public async Task OutboxRescheduleAsync_LeasedEntry_SetsAttemptsNextAndErrorAndReleasesTheLease()
    {
        var entry = OutboxEntryNumber(1);
        await Outbox.EnqueueAsync([entry], Ct);
        await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct);
        var next = Time.GetUtcNow() + TimeSpan.FromSeconds(5);

        await Outbox.RescheduleAsync(OutboxIdNumber(1), 1, next, "status 503", Ct);

        Assert.Empty(await Outbox.LeaseAsync(The.OtherOwner, 10, The.LeaseDuration, Ct));
        // Note: 5 s is far below the lease duration, so the entry is leasable again only because the lease was released.
        Time.SetUtcNow(next);
        var leased = Assert.Single(await Outbox.LeaseAsync(The.OtherOwner, 10, The.LeaseDuration, Ct));
        Assert.Equal(entry with { Attempts = 1, NextAttemptAt = next, LastError = "status 503" }, leased);
    }

    [Fact]
    public async Task OutboxDeadLetterAsync_LeasedEntry_IsListedCountedAndNeverLeased()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1), OutboxEntryNumber(2)], Ct);
        await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct);
        Time.Advance(TimeSpan.FromSeconds(3));

        await Outbox.DeadLetterAsync(OutboxIdNumber(1), 1, "status 400", Ct);
        Time.Advance(The.LeaseDuration + TimeSpan.FromSeconds(1));

        Assert.Equal(new OutboxCounts(1, 1), await Outbox.CountAsync(Ct));
        Assert.Equal([OutboxIdNumber(2)], IdsOf(await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct)));
        var dead = Assert.Single(await Outbox.ListDeadLettersAsync(10, Ct));
        Assert.Equal(OutboxIdNumber(1), dead.Entry.Id);
        Assert.Equal(1, dead.Entry.Attempts);
        Assert.Equal(OutboxEntryNumber(1).Payload, dead.Entry.Payload);
        Assert.Equal("status 400", dead.Reason);
        Assert.Equal(The.Now + TimeSpan.FromSeconds(3), dead.DeadAt);
    }

    [Fact]
    public async Task OutboxListDeadLettersAsync_ThreeDead_ReturnsOldestFirstUpToMaxCount()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1), OutboxEntryNumber(2), OutboxEntryNumber(3)], Ct);
        foreach (var number in new[] { 3, 1, 2 })
        {
            await Outbox.DeadLetterAsync(OutboxIdNumber(number), 1, "status 400", Ct);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var dead = await Outbox.ListDeadLettersAsync(2, Ct);

        Assert.Equal([OutboxIdNumber(3), OutboxIdNumber(1)], dead.Select(d => d.Entry.Id));
    }

    [Fact]
    public async Task OutboxRetryDeadLetterAsync_DeadEntry_IsPendingAndDueNow()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1, dueIn: TimeSpan.FromHours(1))], Ct);
        await Outbox.DeadLetterAsync(OutboxIdNumber(1), 7, "expired", Ct);
        Time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(await Outbox.RetryDeadLetterAsync(OutboxIdNumber(1), Ct));

        Assert.Equal(new OutboxCounts(1, 0), await Outbox.CountAsync(Ct));
        Assert.Empty(await Outbox.ListDeadLettersAsync(10, Ct));
        var leased = Assert.Single(await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct));
        Assert.Equal(OutboxIdNumber(1), leased.Id);
        Assert.True(leased.NextAttemptAt <= Time.GetUtcNow());
    }

    [Fact]
    public async Task OutboxRetryDeadLetterAsync_PendingOrUnknownEntry_ReturnsFalse()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1)], Ct);

        Assert.False(await Outbox.RetryDeadLetterAsync(OutboxIdNumber(1), Ct));
        Assert.False(await Outbox.RetryDeadLetterAsync("no-such-entry", Ct));
        Assert.Equal(new OutboxCounts(1, 0), await Outbox.CountAsync(Ct));
    }

    /// <summary>An entry of <see cref="The.Issuer"/> for <see cref="The.ClientId"/>, created now, due now plus <paramref name="dueIn"/>.</summary>
    protected OutboxEntry OutboxEntryNumber(int number, TimeSpan dueIn = default) => new(
        OutboxIdNumber(number),
        The.Issuer,
        The.ClientId,
        number % 2 == 0 ? "app1.example.test:8443" : null,
        $"protected-payload-{number}",
        Time.GetUtcNow(),
        Time.GetUtcNow() + TimeSpan.FromHours(1),
        0,
        Time.GetUtcNow() + dueIn,
        null);

    protected static string OutboxIdNumber(int number) => $"outbox-entry-{number:D4}";

    protected static string[] IdsOf(IEnumerable<OutboxEntry> entries) => [.. entries.Select(e => e.Id).Order(StringComparer.Ordinal)];
}
