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
}
