using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

/// <summary>The durable logout trail: one record per logout, its attempts, queries, paging and retention.</summary>
public abstract partial class StorageContractTests
{
    private const string SubjectHash = "subject-hash-alice";

    private int _trailIds;

    private TrailLogout TrailRecord(string clientId = The.ClientId, string sidHash = "sid-hash-1", string? subjectHash = SubjectHash,
        string source = "provider", string? reason = null, TrailOutcome outcome = TrailOutcome.Queued) =>
        new(Guid.CreateVersion7(Time.GetUtcNow()).ToString("N") + (_trailIds++).ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
            Time.GetUtcNow(), The.Issuer, clientId, source, reason, sidHash, subjectHash, "protected-subject", 2, outcome);

    private TrailAttempt AttemptOf(TrailLogout logout, int number, TrailOutcome outcome, int? status = null, string? error = null) =>
        new(logout.Id, $"d0-{number}", number, Time.GetUtcNow(), status, error, TimeSpan.FromMilliseconds(12.5), outcome);

    [Fact]
    public async Task LogoutTrail_LogoutThenRefusedThenDelivered_ReadsBackWithBothAttemptsAndDeliveredAt()
    {
        var logout = TrailRecord();
        await LogoutTrail.AppendAsync([logout], [], Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        await LogoutTrail.AppendAsync([], [AttemptOf(logout, 1, TrailOutcome.Retrying, status: 503)], Ct);
        Time.Advance(TimeSpan.FromSeconds(30));
        var deliveredAt = Time.GetUtcNow();
        await LogoutTrail.AppendAsync([], [AttemptOf(logout, 2, TrailOutcome.Delivered, status: 200)], Ct);

        var found = await LogoutTrail.FindAsync(logout.Id, Ct);
        var attempts = await LogoutTrail.AttemptsAsync(logout.Id, Ct);

        Assert.NotNull(found);
        Assert.Equal(logout.AcceptedAt, found.AcceptedAt);
        Assert.Equal((TrailOutcome.Delivered, 2, deliveredAt, (string?)null), (found.Outcome, found.Attempts, found.DeliveredAt, found.LastError));
        Assert.Equal(("protected-subject", SubjectHash, "sid-hash-1", 2), (found.ProtectedSubject, found.SubjectHash, found.SidHash, found.AppSessions));
        Assert.Equal([(1, 503, TrailOutcome.Retrying), (2, 200, TrailOutcome.Delivered)], attempts.Select(a => (a.Number, a.StatusCode ?? 0, a.Outcome)));
        Assert.Equal(12.5, attempts[0].Duration.TotalMilliseconds, 3);
    }

    [Fact]
    public async Task LogoutTrail_AttemptStoredBeforeItsLogoutAndTwice_IsCountedOnceAndSummarizedWhenTheLogoutArrives()
    {
        var logout = TrailRecord(outcome: TrailOutcome.Failed);
        var attempt = AttemptOf(logout, 1, TrailOutcome.Failed, error: "ConnectionError");
        await LogoutTrail.AppendAsync([], [attempt], Ct);
        Assert.Null(await LogoutTrail.FindAsync(logout.Id, Ct));

        await LogoutTrail.AppendAsync([logout], [attempt], Ct);
        await LogoutTrail.AppendAsync([logout], [], Ct);

        var found = await LogoutTrail.FindAsync(logout.Id, Ct);
        Assert.NotNull(found);
        Assert.Equal((TrailOutcome.Failed, 1, "ConnectionError"), (found.Outcome, found.Attempts, found.LastError));
        Assert.Null(found.DeliveredAt);
        Assert.Single(await LogoutTrail.AttemptsAsync(logout.Id, Ct));
    }

    [Fact]
    public async Task LogoutTrail_QueryWithSeveralFilters_ReturnsOnlyRowsMatchingAllNewestFirst()
    {
        var alice1 = TrailRecord(clientId: "demo-app-1");
        Time.Advance(TimeSpan.FromSeconds(1));
        var alice2 = TrailRecord(clientId: "demo-app-2");
        Time.Advance(TimeSpan.FromSeconds(1));
        var bob2 = TrailRecord(clientId: "demo-app-2", sidHash: "sid-hash-bob", subjectHash: "subject-hash-bob");
        Time.Advance(TimeSpan.FromSeconds(1));
        var aliceBySid = TrailRecord(clientId: "demo-app-2", sidHash: "sid-hash-typed", subjectHash: null, source: "reconciliation", reason: "session_expiration");
        await LogoutTrail.AppendAsync([alice1, alice2, bob2, aliceBySid], [AttemptOf(alice2, 1, TrailOutcome.Delivered, status: 200)], Ct);

        var aliceAtApp2 = await LogoutTrail.QueryAsync(new TrailQuery(10, ClientId: "demo-app-2", Users: [[SubjectHash, "sid-hash-typed"]]), Ct);
        var delivered = await LogoutTrail.QueryAsync(new TrailQuery(10, Outcome: TrailOutcome.Delivered), Ct);
        var reconciled = await LogoutTrail.QueryAsync(new TrailQuery(10, Source: "reconciliation", Reason: "session_expiration"), Ct);
        var window = await LogoutTrail.QueryAsync(new TrailQuery(10, From: alice2.AcceptedAt, To: aliceBySid.AcceptedAt), Ct);
        var nobody = await LogoutTrail.QueryAsync(new TrailQuery(10, Users: [[SubjectHash], ["subject-hash-bob"]]), Ct);

        Assert.Equal([aliceBySid.Id, alice2.Id], aliceAtApp2.Select(l => l.Id));
        Assert.Equal([alice2.Id], delivered.Select(l => l.Id));
        Assert.Equal([aliceBySid.Id], reconciled.Select(l => l.Id));
        Assert.Equal([bob2.Id, alice2.Id], window.Select(l => l.Id));
        Assert.Empty(nobody);
    }

    [Fact]
    public async Task LogoutTrail_KeysetPages_VisitEachRowOnceNewestFirstEvenWithEqualTimes()
    {
        var all = new List<TrailLogout>();
        for (var i = 0; i < 23; i++)
        {
            all.Add(TrailRecord());
            if (i % 3 == 0)
            {
                Time.Advance(TimeSpan.FromMilliseconds(5));
            }
        }

        await LogoutTrail.AppendAsync(all, [], Ct);

        var seen = new List<string>();
        TrailCursor? after = null;
        while (true)
        {
            var page = await LogoutTrail.QueryAsync(new TrailQuery(5, After: after), Ct);
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count <= 5);
            seen.AddRange(page.Select(l => l.Id));
            after = TrailCursor.Of(page[^1]);
        }

        Assert.Equal(all.OrderByDescending(l => l.AcceptedAt).ThenByDescending(l => l.Id, StringComparer.Ordinal).Select(l => l.Id), seen);
    }

    [Fact]
    public async Task LogoutTrail_Purge_DropsRowsOlderThanTheRetentionThenTheOldestBeyondTheMaximumWithTheirAttempts()
    {
        var old = TrailRecord();
        await LogoutTrail.AppendAsync([old], [AttemptOf(old, 1, TrailOutcome.Delivered, status: 200)], Ct);
        Time.Advance(TimeSpan.FromDays(8));
        var kept = new List<TrailLogout>();
        for (var i = 0; i < 5; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            kept.Add(TrailRecord());
        }

        await LogoutTrail.AppendAsync(kept, [], Ct);

        var purged = await LogoutTrail.PurgeAsync(Time.GetUtcNow() - TimeSpan.FromDays(7), maxRecords: 3, Ct);

        Assert.Equal(3, purged);
        Assert.Null(await LogoutTrail.FindAsync(old.Id, Ct));
        Assert.Empty(await LogoutTrail.AttemptsAsync(old.Id, Ct));
        Assert.Equal(kept.Skip(2).Reverse().Select(l => l.Id), (await LogoutTrail.QueryAsync(new TrailQuery(10), Ct)).Select(l => l.Id));
    }
}
