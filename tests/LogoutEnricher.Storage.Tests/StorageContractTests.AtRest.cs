using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

/// <summary>
/// What a backend keeps holds no provider sid or subject in clear, lookups still work through their
/// keyed hashes (also across a key rollover), and mappings an earlier version stored in clear are moved.
/// </summary>
public abstract partial class StorageContractTests
{
    /// <summary>Everything the backend keeps for this test, as text: file bytes, every row, or every key and value.</summary>
    protected abstract Task<string> ReadEverythingAtRestAsync();

    /// <summary>Writes a mapping the way the previous version did: sid and subject in clear, no encrypted copy.</summary>
    protected abstract Task WriteInTheOldLayoutAsync(SessionKey key, string? subject, AppSession session, DateTimeOffset expiresAt);

    /// <summary>A second replica (process) on the same store: its own services and connections; disposing it keeps the data.</summary>
    protected abstract StorageUnderTest OpenReplica();

    /// <summary>Puts the backend back in the layout the previous version used (schema 4 in SQL, no layout key in Redis).</summary>
    protected abstract Task RevertToTheLayoutBeforeHashingAsync();

    /// <summary>What the backend's own initializer does at startup (the schema migration), as after an upgrade.</summary>
    protected abstract Task InitializeAgainAsync();

    [Fact]
    public async Task Upgrade_ObservationsAndAPendingJobCursorHoldingSids_AreForgottenAndRestartedAndMappingsMoved()
    {
        await RevertToTheLayoutBeforeHashingAsync();
        await WriteInTheOldLayoutAsync(The.Key, The.Subject, The.AppSession, The.ExpiresAt);
        await Reconciliation.AddObservationsAsync(The.Issuer, The.ClientId, [The.Sid], The.Now, Ct);
        await FanOutJobs.TryCreateAsync(Job("job-before-upgrade"), Ct);
        await FanOutJobs.LeaseAsync(The.Owner, JobLease, Ct);
        await FanOutJobs.AdvanceAsync("job-before-upgrade", The.Owner, The.Sid, 1, JobLease, Ct);

        await InitializeAgainAsync();
        var moved = await Sessions.ProtectExistingAsync(cancellationToken: Ct);

        Assert.Equal(1, moved);
        Assert.Empty(await Reconciliation.GetObservationsAsync(The.Issuer, The.ClientId, Ct));
        Assert.Equal("", (await FanOutJobs.FindAsync("job-before-upgrade", Ct))!.Cursor);
        Assert.Equal([The.AppSession.Handle], HandlesOf(await Sessions.FindAsync(The.Key, Ct)));
        var atRest = await ReadEverythingAtRestAsync();
        Assert.DoesNotContain(The.Sid, atRest, StringComparison.Ordinal);
        Assert.DoesNotContain(The.Subject, atRest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AtRest_CapturedMappingsAndAFanOutCursor_HoldNeitherSidNorSubjectInClear()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        await Sessions.AddAsync(The.KeyOfOtherSid, The.OtherSubject, [The.OtherAppSession], The.ExpiresAt, Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        var page = await Sessions.ListByClientAsync(The.Issuer, The.ClientId, null, Time.GetUtcNow(), 1, Ct);
        await FanOutJobs.TryCreateAsync(Job("job-at-rest"), Ct);
        await FanOutJobs.LeaseAsync(The.Owner, JobLease, Ct);
        await FanOutJobs.AdvanceAsync("job-at-rest", The.Owner, page[^1].Cursor!, 1, JobLease, Ct);

        var atRest = await ReadEverythingAtRestAsync();

        Assert.DoesNotContain(The.Sid, atRest, StringComparison.Ordinal);
        Assert.DoesNotContain(The.OtherSid, atRest, StringComparison.Ordinal);
        Assert.DoesNotContain(The.Subject, atRest, StringComparison.Ordinal);
        Assert.DoesNotContain(The.OtherSubject, atRest, StringComparison.Ordinal);
        Assert.Contains(The.AppSession.Handle, atRest, StringComparison.Ordinal);
        Assert.Equal(The.Subject, (await Sessions.FindAsync(The.Key, Ct))!.Subject);
        Assert.Equal([The.OtherSid], (await Sessions.FindBySubjectAsync(The.Issuer, The.ClientId, The.OtherSubject, Ct)).Select(m => m.Key.Sid));
    }

    [Fact]
    public async Task Rollover_MappingWrittenUnderThePreviousKey_IsFoundMergedAndRemovedUnderTheNewKey()
    {
        await new ProtectedSessionStore(Records, new TestIdentityProtector(TestIdentityProtector.KeyA)).AddAsync(The.Key, The.Subject, [The.AppSession], The.ExpiresAt, Ct);
        var rolled = new ProtectedSessionStore(Records, new TestIdentityProtector(TestIdentityProtector.KeyB, TestIdentityProtector.KeyA));

        await rolled.AddAsync(The.Key, The.Subject, [The.OtherAppSession], The.LaterExpiresAt, Ct);
        var found = await rolled.FindAsync(The.Key, Ct);
        var bySubject = await rolled.FindBySubjectAsync(The.Issuer, The.ClientId, The.Subject, Ct);
        await rolled.RemoveAsync(The.Key, [The.AppSession.Handle, The.OtherAppSession.Handle], Ct);

        Assert.Equal(Sorted(The.AppSession.Handle, The.OtherAppSession.Handle), HandlesOf(found));
        Assert.Equal(The.LaterExpiresAt, found!.ExpiresAt);
        Assert.Equal(Sorted(The.AppSession.Handle, The.OtherAppSession.Handle), HandlesOf(Assert.Single(bySubject)));
        Assert.Null(await rolled.FindAsync(The.Key, Ct));
        Assert.Null(await new ProtectedSessionStore(Records, new TestIdentityProtector(TestIdentityProtector.KeyA)).FindAsync(The.Key, Ct));
    }

    [Fact]
    public async Task ProtectExistingAsync_MappingsInTheOldLayout_AreFoundListedAndNoLongerInClear()
    {
        await WriteInTheOldLayoutAsync(The.Key, The.Subject, The.AppSession, The.ExpiresAt);
        await WriteInTheOldLayoutAsync(The.KeyOfOtherSid, null, The.OtherAppSession, The.LaterExpiresAt);
        await WriteInTheOldLayoutAsync(The.KeyOfOtherClient, The.OtherSubject, The.AppSessionNumber(3), The.ExpiresAt);
        // Captured again since the upgrade: the old row merges into the new one.
        await Sessions.AddAsync(The.KeyOfOtherSid, The.OtherSubject, [The.AppSessionNumber(4)], The.ExpiresAt, Ct);
        Time.Advance(TimeSpan.FromSeconds(1));

        var moved = await Sessions.ProtectExistingAsync(batchSize: 2, Ct);
        var movedAgain = await Sessions.ProtectExistingAsync(batchSize: 2, Ct);

        Assert.Equal(3, moved);
        Assert.Equal(0, movedAgain);
        Assert.Equal([The.AppSession.Handle], HandlesOf(await Sessions.FindAsync(The.Key, Ct)));
        var merged = await Sessions.FindAsync(The.KeyOfOtherSid, Ct);
        Assert.Equal(Sorted(The.OtherAppSession.Handle, "handle-4"), HandlesOf(merged));
        Assert.Equal(The.OtherSubject, merged!.Subject);
        Assert.Equal(The.LaterExpiresAt, merged.ExpiresAt);
        Assert.Equal([The.Sid], (await Sessions.FindBySubjectAsync(The.Issuer, The.ClientId, The.Subject, Ct)).Select(m => m.Key.Sid));
        Assert.Equal([The.Sid], (await Sessions.FindBySubjectAsync(The.Issuer, The.OtherClientId, The.OtherSubject, Ct)).Select(m => m.Key.Sid));
        var page = await Sessions.ListByClientAsync(The.Issuer, The.ClientId, null, Time.GetUtcNow(), 10, Ct);
        Assert.Equal(Sorted(The.Sid, The.OtherSid), page.Select(m => m.Key.Sid).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(3, page.Sum(m => m.AppSessions.Count));
        var listed = new List<CapturedSession>();
        await foreach (var session in Sessions.ListAsync(The.Issuer, The.ClientId, Ct))
        {
            listed.Add(session);
        }

        Assert.Equal([new CapturedSession(The.OtherSid, The.OtherSubject), new CapturedSession(The.Sid, The.Subject)], listed.OrderBy(s => s.Sid, StringComparer.Ordinal));
        var atRest = await ReadEverythingAtRestAsync();
        Assert.DoesNotContain(The.Sid, atRest, StringComparison.Ordinal);
        Assert.DoesNotContain(The.OtherSid, atRest, StringComparison.Ordinal);
        Assert.DoesNotContain(The.Subject, atRest, StringComparison.Ordinal);
        Assert.DoesNotContain(The.OtherSubject, atRest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProtectExistingAsync_TwoReplicasStartingAtOnce_MoveEveryMappingOnceAndLoseNone()
    {
        for (var i = 0; i < 40; i++)
        {
            await WriteInTheOldLayoutAsync(new SessionKey(The.Issuer, The.ClientId, $"old-sid-{i:D2}"), The.Subject, The.AppSessionNumber(i), The.ExpiresAt);
        }

        await using var replica = OpenReplica();
        await Task.WhenAll(
            Task.Run(() => Sessions.ProtectExistingAsync(batchSize: 7, Ct), Ct),
            Task.Run(() => replica.Sessions.ProtectExistingAsync(batchSize: 5, Ct), Ct));

        Assert.Empty(await Records.ListUnprotectedAsync(100, Ct));
        var bySubject = await Sessions.FindBySubjectAsync(The.Issuer, The.ClientId, The.Subject, Ct);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"old-sid-{i:D2}"), bySubject.Select(m => m.Key.Sid).Order(StringComparer.Ordinal));
        Assert.All(bySubject, m => Assert.Single(m.AppSessions));
    }
}
