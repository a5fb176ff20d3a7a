using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

public abstract partial class StorageContractTests
{
    [Fact]
    public async Task SigningKeysGetAllAsync_EmptyStore_ReturnsNone()
    {
        Assert.Empty(await SigningKeys.GetAllAsync(Ct));
    }

    [Fact]
    public async Task SigningKeysTryAddAsync_NewKids_ReturnsTrueAndGetAllReturnsThem()
    {
        Assert.True(await SigningKeys.TryAddAsync(The.SigningKey, Ct));
        Assert.True(await SigningKeys.TryAddAsync(The.NextSigningKey, Ct));

        var keys = await SigningKeys.GetAllAsync(Ct);

        Assert.Equal(2, keys.Count);
        Assert.Equal(The.SigningKey, keys.Single(k => k.KeyId == The.SigningKey.KeyId));
        Assert.Equal(The.NextSigningKey, keys.Single(k => k.KeyId == The.NextSigningKey.KeyId));
    }

    [Fact]
    public async Task SigningKeysTryAddAsync_DuplicateKid_ReturnsFalseAndKeepsTheFirst()
    {
        await SigningKeys.TryAddAsync(The.SigningKey, Ct);

        var added = await SigningKeys.TryAddAsync(The.SigningKey with { ProtectedPrivateKey = "protected-pkcs8-impostor" }, Ct);

        Assert.False(added);
        Assert.Equal([The.SigningKey], await SigningKeys.GetAllAsync(Ct));
    }

    [Fact]
    public async Task SigningKeysRetireAsync_CurrentKey_SetsRetiresAtOfThatKeyOnly()
    {
        await SigningKeys.TryAddAsync(The.SigningKey, Ct);
        await SigningKeys.TryAddAsync(The.NextSigningKey, Ct);

        await SigningKeys.RetireAsync(The.SigningKey.KeyId, The.RetiresAt, Ct);

        var keys = await SigningKeys.GetAllAsync(Ct);
        Assert.Equal(The.RetiresAt, keys.Single(k => k.KeyId == The.SigningKey.KeyId).RetiresAt);
        Assert.Null(keys.Single(k => k.KeyId == The.NextSigningKey.KeyId).RetiresAt);
    }

    [Fact]
    public async Task SigningKeysRemoveAsync_OneKey_RemovesOnlyThatKey()
    {
        await SigningKeys.TryAddAsync(The.SigningKey, Ct);
        await SigningKeys.TryAddAsync(The.NextSigningKey, Ct);

        await SigningKeys.RemoveAsync(The.SigningKey.KeyId, Ct);

        Assert.Equal([The.NextSigningKey], await SigningKeys.GetAllAsync(Ct));
    }

    [Fact]
    public async Task SigningKeysAddToSlotAsync_ManyConcurrentCreators_StoresExactlyOneAndAllGetIt()
    {
        const int creators = 16;
        var candidates = Enumerable.Range(0, creators)
            .Select(i => The.SigningKey with { KeyId = $"kid-racer-{i:D2}", ProtectedPrivateKey = $"protected-pkcs8-racer-{i:D2}", ActivatesAt = The.Now + TimeSpan.FromMilliseconds(i) })
            .ToList();
        using var start = new ManualResetEventSlim();

        var racers = candidates.Select(candidate => Task.Run(async () =>
        {
            start.Wait(Ct);
            return await SigningKeys.AddToSlotAsync("first:RS256", candidate, Ct);
        })).ToList();
        start.Set();
        var holders = await Task.WhenAll(racers);

        var stored = Assert.Single(await SigningKeys.GetAllAsync(Ct));
        Assert.Contains(stored, candidates);
        Assert.All(holders, holder => Assert.Equal(stored, holder));
    }

    [Fact]
    public async Task SigningKeysAddToSlotAsync_SlotHeld_ReturnsTheHolderAndAddsNothing()
    {
        await SigningKeys.AddToSlotAsync("after:kid-current", The.NextSigningKey, Ct);

        var holder = await SigningKeys.AddToSlotAsync("after:kid-current", The.NextSigningKey with { KeyId = "kid-late" }, Ct);

        Assert.Equal(The.NextSigningKey, holder);
        Assert.Equal([The.NextSigningKey], await SigningKeys.GetAllAsync(Ct));
    }

    [Fact]
    public async Task SigningKeysAddToSlotAsync_OtherSlots_EachGetsItsOwnKey()
    {
        var first = await SigningKeys.AddToSlotAsync("first:RS256", The.SigningKey, Ct);
        var next = await SigningKeys.AddToSlotAsync("after:kid-current", The.NextSigningKey, Ct);

        Assert.Equal(The.SigningKey, first);
        Assert.Equal(The.NextSigningKey, next);
        Assert.Equal(2, (await SigningKeys.GetAllAsync(Ct)).Count);
    }

    [Fact]
    public async Task SigningKeysAddToSlotAsync_HolderRemoved_SlotTakesANewKey()
    {
        await SigningKeys.AddToSlotAsync("first:RS256", The.SigningKey, Ct);
        await SigningKeys.RemoveAsync(The.SigningKey.KeyId, Ct);

        var holder = await SigningKeys.AddToSlotAsync("first:RS256", The.NextSigningKey, Ct);

        Assert.Equal(The.NextSigningKey, holder);
        Assert.Equal([The.NextSigningKey], await SigningKeys.GetAllAsync(Ct));
    }
}
