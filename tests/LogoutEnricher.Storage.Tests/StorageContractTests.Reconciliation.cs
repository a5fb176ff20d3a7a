using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

public abstract partial class StorageContractTests
{
    private const string CursorName = "events|https://sso.example.test/realms/acme";
    private const string LeaseName = "reconciliation";

    [Fact]
    public async Task GetCursorAsync_NeverSaved_ReturnsNull()
    {
        Assert.Null(await Reconciliation.GetCursorAsync(CursorName, Ct));
    }

    [Fact]
    public async Task SetCursorAsync_SavedTwice_ReturnsTheLastValue()
    {
        await Reconciliation.SetCursorAsync(CursorName, "1748779200000|a", Ct);
        await Reconciliation.SetCursorAsync(CursorName, "1748779260000|b", Ct);

        Assert.Equal("1748779260000|b", await Reconciliation.GetCursorAsync(CursorName, Ct));
        Assert.Null(await Reconciliation.GetCursorAsync("events|other", Ct));
    }

    [Fact]
    public async Task TryAcquireLeaseAsync_HeldByAnother_ReturnsFalseUntilItExpires()
    {
        Assert.True(await Reconciliation.TryAcquireLeaseAsync(LeaseName, The.Owner, The.LeaseDuration, Ct));

        Assert.False(await Reconciliation.TryAcquireLeaseAsync(LeaseName, The.OtherOwner, The.LeaseDuration, Ct));
        Time.Advance(The.LeaseDuration + TimeSpan.FromMilliseconds(1));
        Assert.True(await Reconciliation.TryAcquireLeaseAsync(LeaseName, The.OtherOwner, The.LeaseDuration, Ct));
        Assert.False(await Reconciliation.TryAcquireLeaseAsync(LeaseName, The.Owner, The.LeaseDuration, Ct));
    }

    [Fact]
    public async Task TryAcquireLeaseAsync_OwnerRenews_KeepsItPastTheFirstExpiry()
    {
        await Reconciliation.TryAcquireLeaseAsync(LeaseName, The.Owner, The.LeaseDuration, Ct);
        Time.Advance(The.LeaseDuration / 2);

        Assert.True(await Reconciliation.TryAcquireLeaseAsync(LeaseName, The.Owner, The.LeaseDuration, Ct));
        Time.Advance(The.LeaseDuration * 3 / 4);
        Assert.False(await Reconciliation.TryAcquireLeaseAsync(LeaseName, The.OtherOwner, The.LeaseDuration, Ct));
    }

    [Fact]
    public async Task ReleaseLeaseAsync_ByOwner_FreesItAndByOtherDoesNothing()
    {
        await Reconciliation.TryAcquireLeaseAsync(LeaseName, The.Owner, The.LeaseDuration, Ct);

        await Reconciliation.ReleaseLeaseAsync(LeaseName, The.OtherOwner, Ct);
        Assert.False(await Reconciliation.TryAcquireLeaseAsync(LeaseName, The.OtherOwner, The.LeaseDuration, Ct));
        await Reconciliation.ReleaseLeaseAsync(LeaseName, The.Owner, Ct);
        Assert.True(await Reconciliation.TryAcquireLeaseAsync(LeaseName, The.OtherOwner, The.LeaseDuration, Ct));
    }

    [Fact]
    public async Task TryAcquireLeaseAsync_TwentyConcurrentOwners_ExactlyOneWins()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => Reconciliation.TryAcquireLeaseAsync(LeaseName, $"replica-{i}", The.LeaseDuration, Ct), Ct)));

        Assert.Single(results, acquired => acquired);
    }

    [Fact]
    public async Task AddObservationsAsync_SeenAgain_KeepsTheFirstInstant()
    {
        await Reconciliation.AddObservationsAsync(The.Issuer, The.ClientId, [The.Sid], The.Now, Ct);

        await Reconciliation.AddObservationsAsync(The.Issuer, The.ClientId, [The.Sid, The.OtherSid], The.Now + TimeSpan.FromMinutes(5), Ct);

        var observations = await Reconciliation.GetObservationsAsync(The.Issuer, The.ClientId, Ct);
        Assert.Equal(The.Now, observations[The.Sid]);
        Assert.Equal(The.Now + TimeSpan.FromMinutes(5), observations[The.OtherSid]);
        Assert.Empty(await Reconciliation.GetObservationsAsync(The.Issuer, The.OtherClientId, Ct));
        Assert.Empty(await Reconciliation.GetObservationsAsync(The.OtherIssuer, The.ClientId, Ct));
    }

    [Fact]
    public async Task RemoveObservationsAsync_OneOfTwo_LeavesTheOther()
    {
        await Reconciliation.AddObservationsAsync(The.Issuer, The.ClientId, [The.Sid, The.OtherSid], The.Now, Ct);

        await Reconciliation.RemoveObservationsAsync(The.Issuer, The.ClientId, [The.Sid], Ct);

        Assert.Equal([The.OtherSid], (await Reconciliation.GetObservationsAsync(The.Issuer, The.ClientId, Ct)).Keys);
    }

    [Fact]
    public async Task ListAsync_MappingsOfSeveralClients_ReturnsOnlyTheUnexpiredOfThatClient()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        await Sessions.AddAsync(The.KeyOfOtherSid, null, [The.OtherAppSession], The.EarlierExpiresAt, Ct);
        await AddAsync(The.KeyOfOtherClient, The.ExpiresAt, The.AppSession);
        await AddAsync(The.KeyOfOtherIssuer, The.ExpiresAt, The.AppSession);
        await AddAsync(new SessionKey(The.Issuer, The.ClientId, "expires-soon"), The.Now + TimeSpan.FromMinutes(1), The.AppSession);
        Time.Advance(TimeSpan.FromMinutes(2));

        var listed = await ToListAsync(Sessions.ListAsync(The.Issuer, The.ClientId, Ct));

        Assert.Equal(
            [new CapturedSession(The.OtherSid, null), new CapturedSession(The.Sid, The.Subject)],
            listed.OrderBy(s => s.Sid, StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListAsync_MoreThanOnePage_ReturnsEveryMappingOnce()
    {
        const int count = 2345;
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            Sessions.AddAsync(new SessionKey(The.Issuer, The.ClientId, $"sid-{i:D5}"), The.Subject, [The.AppSession], The.ExpiresAt, Ct)));

        var listed = await ToListAsync(Sessions.ListAsync(The.Issuer, The.ClientId, Ct));

        Assert.Equal(count, listed.Count);
        Assert.Equal(count, listed.Select(s => s.Sid).Distinct(StringComparer.Ordinal).Count());
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
