using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using LogoutEnricher.Hosting.Security;

namespace LogoutEnricher.Benchmarks;

/// <summary>
/// AES-256-GCM protection of an application session id (capture: handle + protect; logout: unprotect per id).
/// </summary>
[MemoryDiagnoser]
public class SecretProtectorBenchmarks
{
    private const string AppSessionId = "PHPSESSID-a1b2c3d4e5f6";
    private readonly SecretProtector _protector = new(RandomNumberGenerator.GetBytes(32));
    private string _protected = "";

    [GlobalSetup]
    public void Setup() => _protected = _protector.Protect(AppSessionId, "app-session");

    [Benchmark]
    public string Protect() => _protector.Protect(AppSessionId, "app-session");

    [Benchmark]
    public string Handle() => _protector.Handle(AppSessionId, "app-session");

    [Benchmark]
    public string Unprotect() => _protector.UnprotectString(_protected, "app-session");
}
