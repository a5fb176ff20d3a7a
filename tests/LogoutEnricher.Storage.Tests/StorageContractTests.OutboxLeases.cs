using System.Collections.Concurrent;
using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

public abstract partial class StorageContractTests
{
    [Fact]
    public async Task OutboxLeaseAsync_EntryNotYetDue_ReturnsItOnlyOnceDue()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1, dueIn: TimeSpan.FromSeconds(30))], Ct);

        Assert.Empty(await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct));

        Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal([OutboxIdNumber(1)], IdsOf(await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct)));
    }

    [Fact]
    public async Task OutboxLeaseAsync_MaxCount_ReturnsNoMore()
    {
        await Outbox.EnqueueAsync([.. Enumerable.Range(1, 5).Select(n => OutboxEntryNumber(n))], Ct);

        Assert.Equal(2, (await Outbox.LeaseAsync(The.Owner, 2, The.LeaseDuration, Ct)).Count);
        Assert.Equal(3, (await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct)).Count);
    }

    [Fact]
    public async Task OutboxLeaseAsync_LeasedEntry_IsNotLeasedAgainUntilTheLeaseExpires()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1)], Ct);
        await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct);

        Assert.Empty(await Outbox.LeaseAsync(The.OtherOwner, 10, The.LeaseDuration, Ct));
        Assert.Empty(await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct));

        // Note: the replica that held the lease died; another one takes the entry over.
        Time.Advance(The.LeaseDuration);
        Assert.Equal([OutboxIdNumber(1)], IdsOf(await Outbox.LeaseAsync(The.OtherOwner, 10, The.LeaseDuration, Ct)));
        Assert.Empty(await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct));
    }

    [Fact]
    public async Task OutboxLeaseAsync_EightConcurrentOwners_NoEntryLeasedTwice()
    {
        const int count = 200;
        await Outbox.EnqueueAsync([.. Enumerable.Range(1, count).Select(n => OutboxEntryNumber(n))], Ct);
        var leasedBy = new ConcurrentBag<(string Owner, string Id)>();

        await Task.WhenAll(Enumerable.Range(1, 8).Select(n => Task.Run(async () =>
        {
            var owner = $"replica-{n}";
            IReadOnlyList<OutboxEntry> batch;
            do
            {
                batch = await Outbox.LeaseAsync(owner, 7, The.LeaseDuration, Ct);
                foreach (var entry in batch)
                {
                    leasedBy.Add((owner, entry.Id));
                }
            }
            while (batch.Count > 0);
        }, Ct)));

        Assert.Equal(count, leasedBy.Count);
        Assert.Equal(count, leasedBy.Select(l => l.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(new OutboxCounts(count, 0), await Outbox.CountAsync(Ct));
    }

    [Fact]
    public async Task OutboxCountAsync_LeasedPendingAndDead_CountsLeasedAsPending()
    {
        await Outbox.EnqueueAsync([.. Enumerable.Range(1, 4).Select(n => OutboxEntryNumber(n))], Ct);
        await Outbox.LeaseAsync(The.Owner, 2, The.LeaseDuration, Ct);

        await Outbox.DeadLetterAsync(OutboxIdNumber(4), 1, "status 404", Ct);

        Assert.Equal(new OutboxCounts(3, 1), await Outbox.CountAsync(Ct));
    }
}
