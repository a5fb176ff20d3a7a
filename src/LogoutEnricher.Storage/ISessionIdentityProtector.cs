namespace LogoutEnricher.Storage;

/// <summary>
/// The cryptography <see cref="ProtectedSessionStore"/> needs, supplied by the host (which owns the keys).
/// </summary>
public interface ISessionIdentityProtector
{
    /// <summary>
    /// The keyed hashes of <paramref name="value"/> for <paramref name="purpose"/>: first under the current key (what
    /// new rows are written with), then under each previous key still configured (rows written before a rollover).
    /// Deterministic: equal inputs give equal hashes.
    /// </summary>
    IReadOnlyList<string> Lookups(string purpose, string value);

    /// <summary>Encrypts <paramref name="value"/> for <paramref name="purpose"/> (randomized).</summary>
    string Protect(string purpose, string value);

    /// <summary>Decrypts what <see cref="Protect"/> returned, under the current or a previous key.</summary>
    string Unprotect(string purpose, string protectedValue);
}
