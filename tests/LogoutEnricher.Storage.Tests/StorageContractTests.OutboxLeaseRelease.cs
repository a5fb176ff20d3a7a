using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

/// <summary>A replica restarted under its stable identity takes back the leases it held.</summary>
public abstract partial class StorageContractTests
{
    [Fact]
    public async Task OutboxReleaseLeasesAsync_OwnersLeases_AreLeasableAgainAtOnceByAnyOwner()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1), OutboxEntryNumber(2)], Ct);
        await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct);

        var released = await Outbox.ReleaseLeasesAsync(The.Owner, Ct);

        Assert.Equal(2, released);
        Assert.Equal([OutboxIdNumber(1), OutboxIdNumber(2)], IdsOf(await Outbox.LeaseAsync(The.OtherOwner, 10, The.LeaseDuration, Ct)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OutboxReleaseLeasesAsync_OtherOwnersLeasesAndFutureEntries_StayAsTheyAre()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1)], Ct);
        await Outbox.LeaseAsync(The.OtherOwner, 10, The.LeaseDuration, Ct);
        await Outbox.EnqueueAsync([OutboxEntryNumber(2, dueIn: TimeSpan.FromMinutes(5))], Ct);

        Assert.Equal(0, await Outbox.ReleaseLeasesAsync(The.Owner, Ct));

        Assert.Empty(await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct));
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal([OutboxIdNumber(1), OutboxIdNumber(2)], IdsOf(await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OutboxReleaseLeasesAsync_EntryLeasedWhileDueLater_KeepsItsSchedule()
    {
        await Outbox.EnqueueAsync([OutboxEntryNumber(1)], Ct);
        var leased = Assert.Single(await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct));
        await Outbox.RescheduleAsync(leased.Id, 1, Time.GetUtcNow() + TimeSpan.FromMinutes(2), "HTTP 503", Ct);
        await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct);

        await Outbox.ReleaseLeasesAsync(The.Owner, Ct);

        Assert.Empty(await Outbox.LeaseAsync(The.OtherOwner, 10, The.LeaseDuration, Ct));
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Single(await Outbox.LeaseAsync(The.OtherOwner, 10, The.LeaseDuration, Ct));
    }
}
