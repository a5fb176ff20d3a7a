using System.Net.Http.Headers;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.Protocol.Providers;

/// <summary>One fetched JWKS, reduced to the keys that may verify signatures.</summary>
internal sealed class IssuerKeys
{
    private readonly JsonWebKey[] _signingKeys;

    public IssuerKeys(IEnumerable<JsonWebKey> keys, DateTimeOffset fetchedAt, string? document = null, CacheControlHeaderValue? cacheControl = null)
    {
        Document = document;
        CacheControl = cacheControl;
        // Keycloak's JWKS also lists an RSA key with use "enc" (RSA-OAEP); only keys meant for signatures verify.
        _signingKeys = keys.Where(k => string.IsNullOrEmpty(k.Use) || k.Use == "sig").ToArray();
        FetchedAt = fetchedAt;
    }

    public DateTimeOffset FetchedAt { get; }

    /// <summary>The JWKS document exactly as the provider sent it (every key, <c>enc</c> included), for the realm key set.</summary>
    public string? Document { get; }

    /// <summary>The provider's <c>Cache-Control</c> on that response, if any.</summary>
    public CacheControlHeaderValue? CacheControl { get; }

    public int Count => _signingKeys.Length;

    public IReadOnlyList<JsonWebKey> Find(string? kid) =>
        kid is null ? _signingKeys : Array.FindAll(_signingKeys, k => string.Equals(k.Kid, kid, StringComparison.Ordinal));
}
