using LogoutEnricher.Testing;

namespace LogoutEnricher.Storage.Tests;

/// <summary>
/// The ASP.NET Core Data Protection key ring (ADR 0020): what one replica stores, every replica of the store lists.
/// The XML is opaque to the store; the host encrypts a key's secret part before it gets here.
/// </summary>
public abstract partial class StorageContractTests
{
    [Fact]
    public async Task DataProtectionKeysGetAllAsync_EmptyStore_ReturnsNone()
    {
        Assert.Empty(await DataProtectionKeys.GetAllAsync(Ct));
    }

    [Fact]
    public async Task DataProtectionKeysStoreAsync_TwoElements_BothListedWithTheirXml()
    {
        await DataProtectionKeys.StoreAsync(The.DataProtectionKey, Ct);
        await DataProtectionKeys.StoreAsync(The.DataProtectionRevocation, Ct);

        var listed = await DataProtectionKeys.GetAllAsync(Ct);

        Assert.Equal([The.DataProtectionKey, The.DataProtectionRevocation], listed.OrderBy(k => k.FriendlyName, StringComparer.Ordinal));
    }

    [Fact]
    public async Task DataProtectionKeysStoreAsync_SameFriendlyNameAgain_ReplacesTheElement()
    {
        await DataProtectionKeys.StoreAsync(The.DataProtectionKey, Ct);
        var replaced = The.DataProtectionKey with { Xml = The.DataProtectionKey.Xml.Replace("2026-12-01", "2026-12-02", StringComparison.Ordinal) };

        await DataProtectionKeys.StoreAsync(replaced, Ct);

        Assert.Equal([replaced], await DataProtectionKeys.GetAllAsync(Ct));
    }

    [Fact]
    public async Task DataProtectionKeysStoreAsync_XmlWithQuotesAndNonAscii_RoundTripsExactly()
    {
        var key = new StoredDataProtectionKey("key-" + Guid.NewGuid(), "<key note=\"O'Brien | 100% é 漢字\">\n  <v>a&amp;b</v>\n</key>");

        await DataProtectionKeys.StoreAsync(key, Ct);

        Assert.Equal([key], await DataProtectionKeys.GetAllAsync(Ct));
    }
}
