using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Hosting.Security;

/// <summary>
/// Encrypts what LogoutEnricher keeps at rest (application session ids are credentials; private keys are secrets)
/// with AES-256-GCM, and makes keyed hashes that identify an id without revealing it.
/// Format of a protected value: <c>v1.{keyId}.{base64url(nonce | ciphertext | tag)}</c>; the purpose is bound as
/// associated data, so a value protected for one purpose cannot be replayed as another.
/// </summary>
internal sealed class SecretProtector : ISessionIdentityProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly KeyMaterial _current;
    private readonly Dictionary<string, KeyMaterial> _byId;
    private readonly KeyMaterial[] _all;

    /// <param name="currentKey">32 bytes that protect new values.</param>
    /// <param name="previousKeys">Older keys that still decrypt existing values (rollover).</param>
    public SecretProtector(byte[] currentKey, IEnumerable<byte[]>? previousKeys = null)
    {
        _current = new KeyMaterial(currentKey);
        _byId = new Dictionary<string, KeyMaterial>(StringComparer.Ordinal) { [_current.Id] = _current };
        foreach (var previous in previousKeys ?? [])
        {
            var material = new KeyMaterial(previous);
            _byId.TryAdd(material.Id, material);
        }

        _all = [_current, .. _byId.Values.Where(key => key != _current)];
    }

    public string Protect(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_current.EncryptionKey, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length), Encoding.UTF8.GetBytes(purpose));
        return $"v1.{_current.Id}.{Base64Url.EncodeToString(output)}";
    }

    public string Protect(string plaintext, string purpose) => Protect(Encoding.UTF8.GetBytes(plaintext), purpose);

    /// <exception cref="CryptographicException">The value is not ours, was altered, or its key is not configured.</exception>
    public byte[] Unprotect(string protectedValue, string purpose)
    {
        var parts = protectedValue.Split('.');
        if (parts.Length != 3 || parts[0] != "v1" || !_byId.TryGetValue(parts[1], out var key))
        {
            throw new CryptographicException("The protected value has an unknown format or key.");
        }

        var input = Base64Url.DecodeFromChars(parts[2]);
        if (input.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The protected value is truncated.");
        }

        var plaintext = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key.EncryptionKey, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize, plaintext.Length), input.AsSpan(NonceSize + plaintext.Length), plaintext, Encoding.UTF8.GetBytes(purpose));
        return plaintext;
    }

    public string UnprotectString(string protectedValue, string purpose) => Encoding.UTF8.GetString(Unprotect(protectedValue, purpose));

    /// <summary>A keyed hash of <paramref name="value"/>: equal values give equal handles; the value cannot be recovered.</summary>
    public string Handle(string value, string purpose)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(_current.MacKey, Encoding.UTF8.GetBytes(purpose + "\n" + value), hash);
        return Base64Url.EncodeToString(hash);
    }

    /// <summary>
    /// The lookup hashes of <paramref name="value"/> (HMAC-SHA-256 under a key derived for lookups only): under the
    /// current key first, then under each previous key, so rows written before a rollover are still found.
    /// </summary>
    public IReadOnlyList<string> Lookups(string purpose, string value)
    {
        var input = Encoding.UTF8.GetBytes(purpose + "\n" + value);
        var hashes = new string[_all.Length];
        Span<byte> hash = stackalloc byte[32];
        for (var i = 0; i < _all.Length; i++)
        {
            HMACSHA256.HashData(_all[i].LookupKey, input, hash);
            hashes[i] = Base64Url.EncodeToString(hash);
        }

        return hashes;
    }

    string ISessionIdentityProtector.Protect(string purpose, string value) => Protect(value, purpose);

    string ISessionIdentityProtector.Unprotect(string purpose, string protectedValue) => UnprotectString(protectedValue, purpose);

    private sealed class KeyMaterial
    {
        public KeyMaterial(byte[] master)
        {
            if (master.Length != 32)
            {
                throw new ArgumentException("An encryption key must be 32 bytes.", nameof(master));
            }

            EncryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "LogoutEnricher encryption"u8.ToArray());
            MacKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "LogoutEnricher handles"u8.ToArray());
            LookupKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "LogoutEnricher session lookups"u8.ToArray());
            Id = Base64Url.EncodeToString(SHA256.HashData(MacKey).AsSpan(0, 6));
        }

        public string Id { get; }

        public byte[] EncryptionKey { get; }

        public byte[] MacKey { get; }

        /// <summary>Keys the hashes that stand for a provider sid or subject at rest.</summary>
        public byte[] LookupKey { get; }
    }
}
