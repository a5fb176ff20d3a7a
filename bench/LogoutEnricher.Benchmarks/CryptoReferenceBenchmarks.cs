using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace LogoutEnricher.Benchmarks;

/// <summary>
/// The floor of a logout: one RS256 verification (the provider's token) and one RS256 signature (the enriched token),
/// straight on <see cref="RSA"/> with 2048-bit keys. The logout path's cost is read as a multiple of this.
/// </summary>
[MemoryDiagnoser]
public class CryptoReferenceBenchmarks
{
    private readonly RSA _provider = RSA.Create(2048);
    private readonly RSA _own = RSA.Create(2048);
    private byte[] _signedPart = [];
    private byte[] _signature = [];

    [GlobalSetup]
    public void Setup()
    {
        _signedPart = new byte[420];
        Random.Shared.NextBytes(_signedPart);
        _signature = _provider.SignData(_signedPart, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    [Benchmark(Baseline = true)]
    public byte[] VerifyAndSign_RS256()
    {
        if (!_provider.VerifyData(_signedPart, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            throw new InvalidOperationException("the reference signature does not verify");
        }

        return _own.SignData(_signedPart, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    [Benchmark]
    public bool Verify_RS256() => _provider.VerifyData(_signedPart, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark]
    public byte[] Sign_RS256() => _own.SignData(_signedPart, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
}
