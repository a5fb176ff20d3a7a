using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.Delivery.Signing;

/// <summary>The JWS algorithms LogoutEnricher accepts and signs with.</summary>
internal static class SupportedAlgorithms
{
    /// <summary>Asymmetric algorithms only: HMAC keys are never published, and <c>none</c> is no signature.</summary>
    public static readonly IReadOnlyList<string> Asymmetric =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static readonly IReadOnlySet<string> Signing = new HashSet<string>(StringComparer.Ordinal)
    {
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256,
    };

    public static bool IsAsymmetric(string algorithm) => Asymmetric.Contains(algorithm, StringComparer.Ordinal);
}
