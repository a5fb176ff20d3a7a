using System.Security.Cryptography;
using System.Text;
using LogoutEnricher.Hosting.Security;
using Microsoft.Extensions.Primitives;

namespace LogoutEnricher.Protocol.Providers;

/// <summary>
/// The value of <see cref="ProviderKeyCache.KeyFetchHeader"/>: proof that a key-set request comes from LogoutEnricher
/// itself (this replica or another one), not from a client that copied the header's name.
/// </summary>
/// <remarks>
/// Note: a keyed hash under the at-rest encryption key, which every replica sharing a store holds (they decrypt each
/// other's rows), so a replica recognises another's key read through a load balancer; the key itself never leaves
/// the process. A marker from anyone else is ignored: the request is answered like any other, never passed to the
/// provider in LogoutEnricher's name.
/// </remarks>
internal sealed class KeyFetchMarker
{
    private const string Purpose = "key-fetch-marker";

    private readonly byte[][] _accepted;

    public KeyFetchMarker(SecretProtector protector)
    {
        // Under the current key first, then under each previous key, so a replica that has not rolled over yet is
        // still recognised by one that has.
        var values = protector.Lookups(Purpose, "v1");
        Value = values[0];
        _accepted = [.. values.Select(Encoding.ASCII.GetBytes)];
    }

    /// <summary>What LogoutEnricher sends with its own discovery and key-set requests.</summary>
    public string Value { get; }

    /// <summary>Whether <paramref name="header"/> is exactly one value that LogoutEnricher sends (compared in constant time).</summary>
    public bool IsGenuine(StringValues header)
    {
        if (header.Count != 1 || header[0] is not { Length: > 0 } value)
        {
            return false;
        }

        var presented = Encoding.ASCII.GetBytes(value);
        var genuine = false;
        foreach (var accepted in _accepted)
        {
            genuine |= CryptographicOperations.FixedTimeEquals(presented, accepted);
        }

        return genuine;
    }
}
