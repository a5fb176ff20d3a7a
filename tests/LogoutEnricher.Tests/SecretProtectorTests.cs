using System.Security.Cryptography;
using LogoutEnricher.Hosting.Security;

namespace LogoutEnricher.Tests;

public sealed class SecretProtectorTests
{
    private static readonly byte[] KeyA = Enumerable.Repeat((byte)0xA1, 32).ToArray();
    private static readonly byte[] KeyB = Enumerable.Repeat((byte)0xB2, 32).ToArray();

    [Fact]
    public void Protect_ThenUnprotect_ReturnsTheValue()
    {
        var protector = new SecretProtector(KeyA);

        var protectedValue = protector.Protect("PHPSESSID-1", "app-session");

        Assert.DoesNotContain("PHPSESSID-1", protectedValue, StringComparison.Ordinal);
        Assert.Equal("PHPSESSID-1", protector.UnprotectString(protectedValue, "app-session"));
    }

    [Fact]
    public void Protect_SameValueTwice_GivesDifferentCiphertexts()
    {
        var protector = new SecretProtector(KeyA);

        Assert.NotEqual(protector.Protect("id", "app-session"), protector.Protect("id", "app-session"));
    }

    [Fact]
    public void Unprotect_OtherPurpose_Fails()
    {
        var protector = new SecretProtector(KeyA);
        var protectedValue = protector.Protect("id", "app-session");

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(protectedValue, "signing-key"));
    }

    [Fact]
    public void Unprotect_TamperedValue_Fails()
    {
        var protector = new SecretProtector(KeyA);
        var protectedValue = protector.Protect("id", "app-session");
        var tampered = protectedValue[..^2] + (protectedValue[^2] == 'A' ? "B" : "A") + protectedValue[^1];

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(tampered, "app-session"));
    }

    [Fact]
    public void Unprotect_AfterKeyChangeWithPreviousKey_Decrypts()
    {
        var protectedValue = new SecretProtector(KeyA).Protect("id", "app-session");

        var rolledOver = new SecretProtector(KeyB, [KeyA]);

        Assert.Equal("id", rolledOver.UnprotectString(protectedValue, "app-session"));
        Assert.ThrowsAny<CryptographicException>(() => new SecretProtector(KeyB).Unprotect(protectedValue, "app-session"));
    }

    [Fact]
    public void Handle_IsStablePerValueAndKeyAndRevealsNothing()
    {
        var protector = new SecretProtector(KeyA);

        Assert.Equal(protector.Handle("id", "app-session"), protector.Handle("id", "app-session"));
        Assert.NotEqual(protector.Handle("id", "app-session"), protector.Handle("id2", "app-session"));
        Assert.NotEqual(protector.Handle("id", "app-session"), new SecretProtector(KeyB).Handle("id", "app-session"));
        Assert.DoesNotContain("PHPSESSID", protector.Handle("PHPSESSID-42", "app-session"), StringComparison.Ordinal);
        Assert.Equal(43, protector.Handle("PHPSESSID-42", "app-session").Length);
    }

    [Fact]
    public void Lookups_AfterRollover_StartWithTheNewKeysHashAndKeepTheOldKeysHash()
    {
        var before = new SecretProtector(KeyA);
        var after = new SecretProtector(KeyB, [KeyA]);

        var old = before.Lookups("session-sid", "sid-1");
        var rolled = after.Lookups("session-sid", "sid-1");

        Assert.Equal([.. new SecretProtector(KeyB).Lookups("session-sid", "sid-1"), old[0]], rolled);
        Assert.NotEqual(old[0], rolled[0]);
        Assert.NotEqual(before.Lookups("session-subject", "sid-1")[0], old[0]);
        Assert.NotEqual(before.Handle("sid-1", "session-sid"), old[0]);
        Assert.DoesNotContain("sid-1", old[0], StringComparison.Ordinal);
    }
}
