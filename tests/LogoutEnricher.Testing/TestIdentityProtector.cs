using System.Security.Cryptography;
using System.Text;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Testing;

/// <summary>
/// What the host's SecretProtector does for <see cref="ProtectedSessionStore"/>, with fixed test keys: HMAC-SHA-256
/// lookups under the current then the previous keys, AES-GCM encryption naming the key it used. Shared by the storage
/// contract suite and the storage benchmark, which use the stores without the host.
/// </summary>
internal sealed class TestIdentityProtector(byte[] current, params byte[][] previous) : ISessionIdentityProtector
{
    public static readonly byte[] KeyA = SHA256.HashData("test key A"u8);
    public static readonly byte[] KeyB = SHA256.HashData("test key B"u8);

    public static TestIdentityProtector Default { get; } = new(KeyA);

    private readonly byte[][] _keys = [current, .. previous];

    public IReadOnlyList<string> Lookups(string purpose, string value) =>
        [.. _keys.Select(key => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(purpose + "\n" + value))).TrimEnd('=').Replace('+', '-').Replace('/', '_'))];

    public string Protect(string purpose, string value)
    {
        var plaintext = Encoding.UTF8.GetBytes(value);
        var output = new byte[12 + plaintext.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(current, 16);
        aes.Encrypt(output.AsSpan(0, 12), plaintext, output.AsSpan(12, plaintext.Length), output.AsSpan(12 + plaintext.Length), Encoding.UTF8.GetBytes(purpose));
        return IdOf(current) + "." + Convert.ToBase64String(output);
    }

    public string Unprotect(string purpose, string protectedValue)
    {
        var dot = protectedValue.IndexOf('.', StringComparison.Ordinal);
        var key = _keys.Single(k => IdOf(k) == protectedValue[..dot]);
        var input = Convert.FromBase64String(protectedValue[(dot + 1)..]);
        var plaintext = new byte[input.Length - 28];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(input.AsSpan(0, 12), input.AsSpan(12, plaintext.Length), input.AsSpan(12 + plaintext.Length), plaintext, Encoding.UTF8.GetBytes(purpose));
        return Encoding.UTF8.GetString(plaintext);
    }

    private static string IdOf(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 4));
}
