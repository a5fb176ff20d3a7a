using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

public abstract partial class StorageContractTests
{
    [Fact]
    public async Task AddAsync_NewKey_FindReturnsSubjectSessionsAndExpiry()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);

        var mapping = await Sessions.FindAsync(The.Key, Ct);

        Assert.NotNull(mapping);
        Assert.Equal(The.Key, mapping.Key);
        Assert.Equal(The.Subject, mapping.Subject);
        Assert.Equal(The.ExpiresAt, mapping.ExpiresAt);
        Assert.Equal([The.AppSession], mapping.AppSessions);
    }

    [Fact]
    public async Task FindAsync_UnknownKey_ReturnsNull()
    {
        Assert.Null(await Sessions.FindAsync(The.Key, Ct));
    }

    [Fact]
    public async Task AddAsync_ExistingMapping_KeepsOldAndNewAppSessions()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        await AddAsync(The.Key, The.ExpiresAt, The.OtherAppSession);

        var mapping = await Sessions.FindAsync(The.Key, Ct);

        Assert.Equal(Sorted(The.AppSession.Handle, The.OtherAppSession.Handle), HandlesOf(mapping));
        Assert.Contains(The.OtherAppSession, mapping!.AppSessions);
    }

    [Fact]
    public async Task AddAsync_SameHandleTwice_KeepsItOnce()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession, The.AppSession);

        Assert.Equal([The.AppSession.Handle], HandlesOf(await Sessions.FindAsync(The.Key, Ct)));
    }

    [Fact]
    public async Task AddAsync_LaterExpiry_ExtendsTheMapping()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        await AddAsync(The.Key, The.LaterExpiresAt, The.OtherAppSession);

        Assert.Equal(The.LaterExpiresAt, (await Sessions.FindAsync(The.Key, Ct))!.ExpiresAt);
    }

    [Fact]
    public async Task AddAsync_NoAppSessions_OnlyExtendsTheMappingAndKeepsItsSessions()
    {
        // What a refresh without client_session_state does (SessionCapturer): the expiry moves, nothing is added.
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        await Sessions.AddAsync(The.Key, The.Subject, [], The.LaterExpiresAt, Ct);

        var mapping = await Sessions.FindAsync(The.Key, Ct);

        Assert.Equal(The.LaterExpiresAt, mapping!.ExpiresAt);
        Assert.Equal([The.AppSession], mapping.AppSessions);
        Assert.Equal(The.Subject, mapping.Subject);
    }

    [Fact]
    public async Task AddAsync_EarlierExpiry_KeepsTheLaterOne()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        await AddAsync(The.Key, The.EarlierExpiresAt, The.OtherAppSession);

        Assert.Equal(The.ExpiresAt, (await Sessions.FindAsync(The.Key, Ct))!.ExpiresAt);
    }

    [Fact]
    public async Task AddAsync_SubjectAfterNone_SetsTheSubject()
    {
        await Sessions.AddAsync(The.Key, subject: null, [The.AppSession], The.ExpiresAt, Ct);
        await Sessions.AddAsync(The.Key, The.Subject, [The.OtherAppSession], The.ExpiresAt, Ct);

        Assert.Equal(The.Subject, (await Sessions.FindAsync(The.Key, Ct))!.Subject);
    }

    [Fact]
    public async Task AddAsync_NoSubjectAfterOne_KeepsTheSubject()
    {
        await Sessions.AddAsync(The.Key, The.Subject, [The.AppSession], The.ExpiresAt, Ct);
        await Sessions.AddAsync(The.Key, subject: null, [The.OtherAppSession], The.ExpiresAt, Ct);

        Assert.Equal(The.Subject, (await Sessions.FindAsync(The.Key, Ct))!.Subject);
    }

    [Fact]
    public async Task FindAsync_SameSidOfOtherClientOrIssuer_SeesOnlyItsOwnSessions()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        await AddAsync(The.KeyOfOtherClient, The.ExpiresAt, The.OtherAppSession);

        Assert.Equal([The.AppSession.Handle], HandlesOf(await Sessions.FindAsync(The.Key, Ct)));
        Assert.Equal([The.OtherAppSession.Handle], HandlesOf(await Sessions.FindAsync(The.KeyOfOtherClient, Ct)));
        Assert.Null(await Sessions.FindAsync(The.KeyOfOtherIssuer, Ct));
    }

    [Fact]
    public async Task FindBySubjectAsync_SubjectWithTwoSids_ReturnsBothForThatClientOnly()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);
        await AddAsync(The.KeyOfOtherSid, The.ExpiresAt, The.OtherAppSession);
        await AddAsync(The.KeyOfOtherClient, The.ExpiresAt, The.AppSessionNumber(3));
        await AddAsync(The.KeyOfOtherIssuer, The.ExpiresAt, The.AppSessionNumber(4));
        await Sessions.AddAsync(new SessionKey(The.Issuer, The.ClientId, "sso-session-of-bob"), The.OtherSubject, [The.AppSessionNumber(5)], The.ExpiresAt, Ct);

        var mappings = await Sessions.FindBySubjectAsync(The.Issuer, The.ClientId, The.Subject, Ct);

        Assert.Equal(Sorted(The.Sid, The.OtherSid), Sorted([.. mappings.Select(m => m.Key.Sid)]));
        Assert.All(mappings, m => Assert.Equal((The.Issuer, The.ClientId, The.Subject), (m.Key.Issuer, m.Key.ClientId, m.Subject)));
        Assert.Equal([The.AppSession.Handle], HandlesOf(mappings.Single(m => m.Key == The.Key)));
        Assert.Equal([The.OtherAppSession.Handle], HandlesOf(mappings.Single(m => m.Key == The.KeyOfOtherSid)));
    }

    [Fact]
    public async Task FindBySubjectAsync_UnknownSubject_ReturnsEmpty()
    {
        await AddAsync(The.Key, The.ExpiresAt, The.AppSession);

        Assert.Empty(await Sessions.FindBySubjectAsync(The.Issuer, The.ClientId, The.OtherSubject, Ct));
    }
}
