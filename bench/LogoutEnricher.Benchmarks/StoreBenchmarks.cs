using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using LogoutEnricher.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.Benchmarks;

/// <summary>
/// The SQLite store's work on both paths, against a file holding 10,000 mappings (WAL, pooled connections): the
/// capture's write, the logout's two reads, and its two writes (replay entry, removal of the delivered session).
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const string Issuer = "http://keycloak.bench/realms/demo";
    private const int Mappings = 10_000;
    private string _directory = "";
    private ServiceProvider _services = null!;
    private ProtectedSessionStore _sessions = null!;
    private IReplayCache _replay = null!;
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Directory.CreateTempSubdirectory("logoutenricher-store-bench-").FullName;
        _services = new ServiceCollection()
            .AddSqliteStorage(options => options.Path = Path.Combine(_directory, "logoutenricher.db"))
            .BuildServiceProvider();
        await _services.GetRequiredService<SqliteStorageInitializer>().InitializeAsync();
        _sessions = new ProtectedSessionStore(_services.GetRequiredService<ISessionRecordStore>(), new SecretProtector(RandomNumberGenerator.GetBytes(32)));
        _replay = _services.GetRequiredService<IReplayCache>();
        var expires = DateTimeOffset.UtcNow.AddHours(1);
        for (var i = 0; i < Mappings; i++)
        {
            var handle = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            await _sessions.AddAsync(Key(i), "sub", [new AppSession(handle, "v1.key." + handle, null)], expires);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public async Task<bool> Sessions_FindAsync() => await _sessions.FindAsync(Key(_next++ % Mappings)) is not null;

    [Benchmark]
    public Task<bool> Replay_ContainsAsync() => _replay.ContainsAsync(Issuer, Guid.NewGuid().ToString());

    [Benchmark]
    public Task Sessions_AddAsync()
    {
        var handle = Guid.NewGuid().ToString("N");
        return _sessions.AddAsync(new SessionKey(Issuer, "app-one", "new-" + handle), "sub", [new AppSession(handle, "v1.key." + handle, null)], DateTimeOffset.UtcNow.AddHours(1));
    }

    [Benchmark]
    public Task<bool> Replay_TryAddAsync() => _replay.TryAddAsync(Issuer, Guid.NewGuid().ToString(), DateTimeOffset.UtcNow.AddMinutes(2));

    /// <summary>Removing a handle that is not there: the same two statements and commit as a real removal.</summary>
    [Benchmark]
    public Task Sessions_RemoveAsync() => _sessions.RemoveAsync(Key(_next++ % Mappings), ["absent-handle"]);

    private static SessionKey Key(int i) => new(Issuer, "app-one", $"sid-{i:D6}");
}
