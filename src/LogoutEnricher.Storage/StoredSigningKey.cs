namespace LogoutEnricher.Storage;

/// <summary>
/// A signing key as persisted, so that every replica and every restart publishes the same JWKS.
/// </summary>
/// <param name="KeyId">The <c>kid</c> (RFC 7638 thumbprint of the public key).</param>
/// <param name="Algorithm">JWS algorithm, e.g. RS256.</param>
/// <param name="ProtectedPrivateKey">PKCS#8 private key, encrypted with the storage encryption key.</param>
/// <param name="CreatedAt">When the key was made.</param>
/// <param name="ActivatesAt">From when it signs (published before that).</param>
/// <param name="RetiresAt">From when it no longer signs; null while current. Published until the grace period ends.</param>
public sealed record StoredSigningKey(
    string KeyId,
    string Algorithm,
    string ProtectedPrivateKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset ActivatesAt,
    DateTimeOffset? RetiresAt);
