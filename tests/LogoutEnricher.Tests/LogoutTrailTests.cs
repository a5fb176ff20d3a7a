using LogoutEnricher.Delivery;
using LogoutEnricher.Logout;
using LogoutEnricher.Operations.OperatorConsole;
using LogoutEnricher.Operations.Telemetry;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Tests;

/// <summary>The console's trail: acceptance and delivery attempts meet on one row, in either order, within a bounded size.</summary>
public sealed class LogoutTrailTests
{
    private const string Issuer = "http://kc.test/realms/demo";
    private const string ClientId = "shop";
    private const string SidHash = "0a2fb352bafe4e62";

    private static readonly DeliveryResult Delivered = new(true, 200, null, TimeSpan.FromMilliseconds(5));
    private static readonly DeliveryResult Refused = new(false, null, "ConnectionError", TimeSpan.FromMilliseconds(1));
    private static readonly DeliveryResult Rejected = new(false, 400, null, TimeSpan.FromMilliseconds(1));

    [Fact]
    public void Trail_InlineDeliveryReportedBeforeAcceptance_IsOneDeliveredRowWithTheSubject()
    {
        var trail = NewTrail();

        trail.LogoutDelivered(Issuer, ClientId, SidHash, 1, Delivered);
        trail.LogoutProcessed(new ProcessedLogout(Issuer, ClientId, SidHash, "alice", 1, LogoutOutcome.Delivered, TimeSpan.FromMilliseconds(20), LogoutSource.Provider, null));

        var row = Assert.Single(trail.Search(null, 10));
        Assert.Equal((TrailOutcome.Delivered, "alice", 1, 1), (row.Outcome, row.Subject, row.Attempts, row.AppSessions));
        Assert.Equal(TimeSpan.FromMilliseconds(20), row.Latency);
    }

    [Fact]
    public void Trail_QueuedThenRefusedThenDelivered_IsOneRowWithTwoAttemptsAndTheEarlierReason()
    {
        var trail = NewTrail();

        trail.LogoutProcessed(new ProcessedLogout(Issuer, ClientId, SidHash, "alice", 1, LogoutOutcome.Queued, TimeSpan.FromMilliseconds(3), LogoutSource.Provider, null));
        Assert.Equal(TrailOutcome.Queued, Assert.Single(trail.Search(null, 10)).Outcome);
        trail.LogoutDelivered(Issuer, ClientId, SidHash, 1, Refused);
        Assert.Equal(TrailOutcome.Retrying, Assert.Single(trail.Search(null, 10)).Outcome);
        trail.LogoutDelivered(Issuer, ClientId, SidHash, 1, Delivered);

        var row = Assert.Single(trail.Search(null, 10));
        Assert.Equal((TrailOutcome.Delivered, 2, "ConnectionError"), (row.Outcome, row.Attempts, row.Reason));
    }

    [Fact]
    public void Trail_PermanentRefusal_IsFailedWithTheStatus()
    {
        var trail = NewTrail();

        trail.LogoutProcessed(new ProcessedLogout(Issuer, ClientId, SidHash, "alice", 1, LogoutOutcome.Queued, TimeSpan.Zero, LogoutSource.Provider, null));
        trail.LogoutDelivered(Issuer, ClientId, SidHash, 1, Rejected);

        var row = Assert.Single(trail.Search("failed", 10));
        Assert.Equal("HTTP 400", row.Reason);
    }

    [Fact]
    public void Trail_SearchByRawSid_MatchesItsHashOnly()
    {
        var trail = NewTrail();
        trail.LogoutProcessed(new ProcessedLogout(Issuer, ClientId, Hosting.Security.SidHash.Of("sso-session-1"), "alice", 1, LogoutOutcome.Queued, TimeSpan.Zero, LogoutSource.Provider, null));
        trail.LogoutProcessed(new ProcessedLogout(Issuer, ClientId, Hosting.Security.SidHash.Of("sso-session-2"), "bob", 1, LogoutOutcome.Queued, TimeSpan.Zero, LogoutSource.Provider, null));

        Assert.Equal("alice", Assert.Single(trail.Search("sso-session-1", 10)).Subject);
        Assert.Equal("bob", Assert.Single(trail.Search("BOB", 10)).Subject);
    }

    [Fact]
    public void Trail_OverCapacity_KeepsTheNewestRows()
    {
        var trail = NewTrail(capacity: 100);

        for (var n = 0; n < 150; n++)
        {
            trail.LogoutProcessed(new ProcessedLogout(Issuer, ClientId, $"hash-{n:D3}", "alice", 1, LogoutOutcome.Queued, TimeSpan.Zero, LogoutSource.Provider, null));
        }

        var rows = trail.Search(null, 1000);
        Assert.Equal(100, rows.Count);
        Assert.Equal("hash-149", rows[0].SidHash);
        Assert.Equal("hash-050", rows[^1].SidHash);
    }

    private static LogoutTrail NewTrail(int capacity = 1000) =>
        new(Options.Create(new OperatorConsoleOptions { TrailCapacity = capacity }), TimeProvider.System);
}
