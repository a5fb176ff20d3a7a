using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace LogoutEnricher.Benchmarks.Load;

/// <summary>
/// The floor of one logout, measured in the same run: one RS256 verification of a logout-token-sized input and one
/// RS256 signature (2048-bit keys), single-threaded, as CPU time of this process.
/// </summary>
internal static class Reference
{
    public static double VerifyAndSignMs(RSA providerKey, int iterations)
    {
        using var own = RSA.Create(2048);
        var input = Encoding.ASCII.GetBytes(new string('a', 620));
        var signature = providerKey.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        for (var i = 0; i < 50; i++)
        {
            Once(providerKey, own, input, signature);
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.TotalProcessorTime;
        for (var i = 0; i < iterations; i++)
        {
            Once(providerKey, own, input, signature);
        }

        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMilliseconds / iterations;
    }

    private static void Once(RSA providerKey, RSA own, byte[] input, byte[] signature)
    {
        if (!providerKey.VerifyData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            throw new CryptographicException("the reference signature does not verify");
        }

        own.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
