using System.Text.Json;
using BenchmarkDotNet.Attributes;
using LogoutEnricher.Benchmarks.Fixture;
using LogoutEnricher.Delivery.Formats;

namespace LogoutEnricher.Benchmarks;

/// <summary>Minting the enriched token: the provider's claims plus <c>adapterSessionIds</c>, signed with LogoutEnricher's key.</summary>
[MemoryDiagnoser]
public class EnrichmentBenchmarks
{
    private SidecarServices _sidecar = null!;
    private JsonDocument _claims = null!;
    private readonly string[] _appSessionIds = ["PHPSESSID-a1b2c3d4e5f6"];

    [Params("RS256", "ES256")]
    public string Algorithm { get; set; } = "RS256";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sidecar = await SidecarServices.StartAsync(algorithm: Algorithm);
        var token = _sidecar.Provider.LogoutToken("5e2f8b1c-3a4d-4e6f-9a0b-1c2d3e4f5a6b");
        _claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _claims.Dispose();
        await _sidecar.DisposeAsync();
    }

    [Benchmark]
    public string EnrichAndSign() => _sidecar.Get<BackChannelFormat>().CreateLogoutToken(_claims.RootElement, _appSessionIds);
}
