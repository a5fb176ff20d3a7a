using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

/// <summary>Paging a client's mappings for a fan-out, and the durable fan-out jobs.</summary>
public abstract partial class StorageContractTests
{
    private static readonly TimeSpan JobLease = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task ListByClientAsync_ManyMappings_PagesThroughEachOnceInCursorOrderAndOnlyThatClient()
    {
        for (var i = 0; i < 25; i++)
        {
            await AddAsync(new SessionKey(The.Issuer, The.ClientId, $"sid-{i:D3}"), The.ExpiresAt, The.AppSessionNumber(i));
        }

        await AddAsync(The.KeyOfOtherClient, The.ExpiresAt, The.AppSession);
        await AddAsync(The.KeyOfOtherIssuer, The.ExpiresAt, The.AppSession);
        Time.Advance(TimeSpan.FromSeconds(1));

        var seen = new List<string>();
        var cursors = new List<string>();
        string? cursor = null;
        while (true)
        {
            var page = await Sessions.ListByClientAsync(The.Issuer, The.ClientId, cursor, Time.GetUtcNow(), 10, Ct);
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count <= 10);
            Assert.All(page, m => Assert.Single(m.AppSessions));
            seen.AddRange(page.Select(m => m.Key.Sid));
            cursors.AddRange(page.Select(m => m.Cursor!));
            cursor = page[^1].Cursor;
        }

        // The keyset is the stored hash of the sid (a fan-out job's cursor never holds a sid), the sids
        // themselves come back decrypted.
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"sid-{i:D3}"), seen.Order(StringComparer.Ordinal));
        Assert.Equal(cursors.Order(StringComparer.Ordinal), cursors);
        Assert.Equal(seen.Select(sid => Sessions.SidLookups(sid)[0]), cursors);
    }

    [Fact]
    public async Task ListByClientAsync_SessionsCapturedAfterTheCutoff_AreLeftOutButTheirMappingStillMovesTheCursor()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        var cutoff = Time.GetUtcNow() + TimeSpan.FromSeconds(1);
        Time.Advance(TimeSpan.FromSeconds(2));
        await AddAsync(The.Key, The.ExpiresAt, The.OtherAppSession);
        await AddAsync(The.KeyOfOtherSid, The.ExpiresAt, The.AppSession);

        var page = await Sessions.ListByClientAsync(The.Issuer, The.ClientId, null, cutoff, 10, Ct);

        Assert.Equal([The.OtherSid, The.Sid], page.Select(m => m.Key.Sid).Order(StringComparer.Ordinal));
        Assert.Equal([The.AppSession], page.Single(m => m.Key.Sid == The.Sid).AppSessions);
        Assert.Empty(page.Single(m => m.Key.Sid == The.OtherSid).AppSessions);
        Assert.Equal(The.Subject, page[0].Subject);
    }

    [Fact]
    public async Task ListByClientAsync_SessionCapturedAgainAfterTheCutoff_IsLeftOut()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        var cutoff = Time.GetUtcNow() + TimeSpan.FromSeconds(1);
        Time.Advance(TimeSpan.FromSeconds(2));
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);

        var page = await Sessions.ListByClientAsync(The.Issuer, The.ClientId, null, cutoff, 10, Ct);

        Assert.Empty(Assert.Single(page).AppSessions);
    }

    [Fact]
    public async Task ListByClientAsync_ExpiredAndRemovedMappings_AreNotListed()
    {
        await AddAsync(The.Key, The.EarlierExpiresAt, The.AppSession);
        await AddAsync(The.KeyOfOtherSid, The.LaterExpiresAt, The.AppSession);
        await AddAsync(new SessionKey(The.Issuer, The.ClientId, "removed"), The.LaterExpiresAt, The.OtherAppSession);
        await Sessions.RemoveAsync(new SessionKey(The.Issuer, The.ClientId, "removed"), [The.OtherAppSession.Handle], Ct);
        Time.Advance(The.SessionLifetime - TimeSpan.FromHours(1));

        var page = await Sessions.ListByClientAsync(The.Issuer, The.ClientId, null, Time.GetUtcNow(), 10, Ct);

        Assert.Equal([The.OtherSid], page.Select(m => m.Key.Sid));
    }

    [Fact]
    public async Task FanOutJob_CreatedTwiceWithOneId_SecondIsRefusedAsAReplay()
    {
        Assert.True(await FanOutJobs.TryCreateAsync(Job("job-1"), Ct));
        Assert.False(await FanOutJobs.TryCreateAsync(Job("job-1") with { ClientId = The.OtherClientId }, Ct));

        var stored = await FanOutJobs.FindAsync("job-1", Ct);
        Assert.Equal(Job("job-1"), stored);
        Assert.Equal(new FanOutJobCounts(1, 0, 0), await FanOutJobs.CountAsync(Ct));
    }

    [Fact]
    public async Task FanOutJob_Leased_NoOtherOwnerGetsItUntilTheLeaseRunsOutThenResumesFromTheCursor()
    {
        await FanOutJobs.TryCreateAsync(Job("job-1"), Ct);

        var leased = await FanOutJobs.LeaseAsync(The.Owner, JobLease, Ct);
        Assert.Equal("job-1", leased?.Id);
        Assert.Null(await FanOutJobs.LeaseAsync(The.OtherOwner, JobLease, Ct));
        Assert.True(await FanOutJobs.AdvanceAsync("job-1", The.Owner, "sid-010", 10, JobLease, Ct));

        Time.Advance(JobLease + TimeSpan.FromSeconds(1));
        var taken = await FanOutJobs.LeaseAsync(The.OtherOwner, JobLease, Ct);

        Assert.Equal(("job-1", "sid-010", 10L), (taken?.Id, taken?.Cursor, taken?.Sessions));
        Assert.False(await FanOutJobs.AdvanceAsync("job-1", The.Owner, "sid-020", 20, JobLease, Ct));
        Assert.False(await FanOutJobs.FinishAsync("job-1", The.Owner, FanOutJobState.Done, null, Ct));
    }

    [Fact]
    public async Task FanOutJob_Finished_IsNoLongerLeasedAndIsCountedAndListedNewestFirst()
    {
        await FanOutJobs.TryCreateAsync(Job("job-1"), Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        await FanOutJobs.TryCreateAsync(Job("job-2") with { CreatedAt = Time.GetUtcNow(), UpdatedAt = Time.GetUtcNow() }, Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        await FanOutJobs.TryCreateAsync(Job("job-3") with { CreatedAt = Time.GetUtcNow(), UpdatedAt = Time.GetUtcNow() }, Ct);

        var first = await FanOutJobs.LeaseAsync(The.Owner, JobLease, Ct);
        Assert.True(await FanOutJobs.FinishAsync(first!.Id, The.Owner, FanOutJobState.Done, null, Ct));
        var second = await FanOutJobs.LeaseAsync(The.Owner, JobLease, Ct);
        Assert.True(await FanOutJobs.FinishAsync(second!.Id, The.Owner, FanOutJobState.Failed, "client_not_configured", Ct));

        Assert.Equal(("job-1", "job-2"), (first.Id, second.Id));
        Assert.Equal("job-3", (await FanOutJobs.LeaseAsync(The.Owner, JobLease, Ct))?.Id);
        Assert.Null(await FanOutJobs.LeaseAsync(The.OtherOwner, JobLease, Ct));
        Assert.Equal(new FanOutJobCounts(1, 1, 1), await FanOutJobs.CountAsync(Ct));
        Assert.Equal(["job-3", "job-2", "job-1"], (await FanOutJobs.ListAsync(10, Ct)).Select(j => j.Id));
        var failed = await FanOutJobs.FindAsync("job-2", Ct);
        Assert.Equal((FanOutJobState.Failed, "client_not_configured"), (failed!.State, failed.Error));
    }

    [Fact]
    public async Task FanOutJob_PurgeFinished_DeletesOnlyFinishedJobsOlderThanTheCutoff()
    {
        await FanOutJobs.TryCreateAsync(Job("job-done"), Ct);
        await FanOutJobs.TryCreateAsync(Job("job-pending"), Ct);
        var leased = await FanOutJobs.LeaseAsync(The.Owner, JobLease, Ct);
        await FanOutJobs.FinishAsync(leased!.Id, The.Owner, FanOutJobState.Done, null, Ct);
        Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(1, await FanOutJobs.PurgeFinishedAsync(Time.GetUtcNow(), Ct));

        Assert.Null(await FanOutJobs.FindAsync(leased.Id, Ct));
        Assert.Equal(new FanOutJobCounts(1, 0, 0), await FanOutJobs.CountAsync(Ct));
    }

    protected static FanOutJob Job(string id) => new(
        id, The.Issuer, The.ClientId, "LOGOUT", $"{id}-action-1748779200000", 1_748_779_200, The.Now, The.Now, FanOutJobState.Pending, null, 0, null, The.Now);
}
