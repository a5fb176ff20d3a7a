using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

/// <summary>
/// The oldest pending delivery of one client (the operator console's "oldest entry"): by acceptance time, leased or
/// not, never a dead letter, never another client's or issuer's.
/// </summary>
public abstract partial class StorageContractTests
{
    [Fact]
    public async Task OutboxFindOldestPendingAsync_NoEntries_ReturnsNull()
    {
        Assert.Null(await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct));
    }

    [Fact]
    public async Task OutboxFindOldestPendingAsync_SeveralClients_ReturnsEachClientsFirstAccepted()
    {
        var oldest = AcceptedAgo(2, TimeSpan.FromMinutes(10));
        await Outbox.EnqueueAsync([AcceptedAgo(1, TimeSpan.FromMinutes(5)), oldest, AcceptedAgo(3, TimeSpan.FromMinutes(1))], Ct);
        await Outbox.EnqueueAsync(
        [
            AcceptedAgo(4, TimeSpan.FromMinutes(30)) with { ClientId = The.OtherClientId },
            AcceptedAgo(5, TimeSpan.FromMinutes(60)) with { Issuer = The.OtherIssuer },
        ], Ct);

        Assert.Equal(oldest, await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct));
        Assert.Equal(OutboxIdNumber(4), (await Outbox.FindOldestPendingAsync(The.Issuer, The.OtherClientId, Ct))?.Id);
        Assert.Equal(OutboxIdNumber(5), (await Outbox.FindOldestPendingAsync(The.OtherIssuer, The.ClientId, Ct))?.Id);
        Assert.Null(await Outbox.FindOldestPendingAsync(The.OtherIssuer, The.OtherClientId, Ct));
    }

    [Fact]
    public async Task OutboxFindOldestPendingAsync_OldestLeasedThenRescheduled_IsStillTheOldest()
    {
        await Outbox.EnqueueAsync([AcceptedAgo(1, TimeSpan.FromMinutes(10)), AcceptedAgo(2, TimeSpan.FromMinutes(1))], Ct);
        await Outbox.LeaseAsync(The.Owner, 1, The.LeaseDuration, Ct);
        await Outbox.RescheduleAsync(OutboxIdNumber(1), 3, Time.GetUtcNow() + TimeSpan.FromMinutes(5), "HTTP 503", Ct);

        var found = await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct);

        Assert.Equal(OutboxIdNumber(1), found?.Id);
        Assert.Equal(3, found?.Attempts);
        Assert.Equal("HTTP 503", found?.LastError);
    }

    [Fact]
    public async Task OutboxFindOldestPendingAsync_OldestCompletedOrDeadLettered_MovesToTheNextAndBackWhenRetried()
    {
        await Outbox.EnqueueAsync(
            [AcceptedAgo(1, TimeSpan.FromMinutes(30)), AcceptedAgo(2, TimeSpan.FromMinutes(20)), AcceptedAgo(3, TimeSpan.FromMinutes(10))], Ct);
        await Outbox.LeaseAsync(The.Owner, 10, The.LeaseDuration, Ct);

        await Outbox.CompleteAsync(OutboxIdNumber(1), Ct);
        Assert.Equal(OutboxIdNumber(2), (await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct))?.Id);

        await Outbox.DeadLetterAsync(OutboxIdNumber(2), 1, "HTTP 400", Ct);
        Assert.Equal(OutboxIdNumber(3), (await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct))?.Id);

        await Outbox.CompleteAsync(OutboxIdNumber(3), Ct);
        Assert.Null(await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct));

        Assert.True(await Outbox.RetryDeadLetterAsync(OutboxIdNumber(2), Ct));
        var retried = await Outbox.FindOldestPendingAsync(The.Issuer, The.ClientId, Ct);
        Assert.Equal(OutboxIdNumber(2), retried?.Id);
        Assert.Equal(Time.GetUtcNow() - TimeSpan.FromMinutes(20), retried?.CreatedAt);
    }

    /// <summary>Entry <paramref name="number"/> of <see cref="The.ClientId"/>, accepted <paramref name="ago"/> and due now.</summary>
    private OutboxEntry AcceptedAgo(int number, TimeSpan ago) => OutboxEntryNumber(number) with { CreatedAt = Time.GetUtcNow() - ago };
}
