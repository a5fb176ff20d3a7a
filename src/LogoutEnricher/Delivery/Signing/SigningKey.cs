using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace LogoutEnricher.Delivery.Signing;

/// <summary>One of LogoutEnricher's own asymmetric keys: signs enriched tokens, published in the JWKS.</summary>
internal sealed class SigningKey : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;

    private SigningKey(string algorithm, RSA? rsa, ECDsa? ecdsa)
    {
        Algorithm = algorithm;
        _rsa = rsa;
        _ecdsa = ecdsa;
        KeyId = ComputeThumbprint();
    }

    public string KeyId { get; }

    public string Algorithm { get; }

    public static SigningKey Generate(string algorithm) => algorithm.StartsWith("ES", StringComparison.Ordinal)
        ? new SigningKey(algorithm, null, ECDsa.Create(ECCurve.NamedCurves.nistP256))
        : new SigningKey(algorithm, RSA.Create(2048), null);

    public static SigningKey FromPkcs8(string algorithm, ReadOnlySpan<byte> pkcs8)
    {
        if (algorithm.StartsWith("ES", StringComparison.Ordinal))
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return new SigningKey(algorithm, null, ecdsa);
        }

        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return new SigningKey(algorithm, rsa, null);
    }

    public static SigningKey FromPem(string algorithm, string pem)
    {
        if (algorithm.StartsWith("ES", StringComparison.Ordinal))
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            return new SigningKey(algorithm, null, ecdsa);
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new SigningKey(algorithm, rsa, null);
    }

    public byte[] ExportPkcs8() => _rsa?.ExportPkcs8PrivateKey() ?? _ecdsa!.ExportPkcs8PrivateKey();

    public byte[] Sign(ReadOnlySpan<byte> data) => Algorithm switch
    {
        "RS256" => _rsa!.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        "PS256" => _rsa!.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
        "ES256" => _ecdsa!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        _ => throw new NotSupportedException($"Signing algorithm {Algorithm} is not supported."),
    };

    /// <summary>Writes the public JWK (RFC 7517) with <c>use: sig</c>.</summary>
    public void WritePublicJwk(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        WriteKeyMembers(writer);
        writer.WriteString("use", "sig");
        writer.WriteString("alg", Algorithm);
        writer.WriteString("kid", KeyId);
        writer.WriteEndObject();
    }

    public void Dispose()
    {
        _rsa?.Dispose();
        _ecdsa?.Dispose();
    }

    /// <summary>Writes only the required members in lexicographic order, as RFC 7638 thumbprints need.</summary>
    private void WriteKeyMembers(Utf8JsonWriter writer)
    {
        if (_rsa is not null)
        {
            var parameters = _rsa.ExportParameters(includePrivateParameters: false);
            writer.WriteString("e", Base64Url.EncodeToString(parameters.Exponent));
            writer.WriteString("kty", "RSA");
            writer.WriteString("n", Base64Url.EncodeToString(parameters.Modulus));
            return;
        }

        var ec = _ecdsa!.ExportParameters(includePrivateParameters: false);
        writer.WriteString("crv", "P-256");
        writer.WriteString("kty", "EC");
        writer.WriteString("x", Base64Url.EncodeToString(ec.Q.X));
        writer.WriteString("y", Base64Url.EncodeToString(ec.Q.Y));
    }

    private string ComputeThumbprint()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteKeyMembers(writer);
            writer.WriteEndObject();
        }

        return Base64Url.EncodeToString(SHA256.HashData(buffer.ToArray()));
    }
}
