using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>
/// A Redis or PostgreSQL server of one test's own, on a free loopback port, that the test may stop and start again
/// (same port, data kept) without disturbing the shared servers other tests use. Binaries come from the same
/// install as the CI servers.
/// </summary>
internal sealed class PrivateServer : IAsyncDisposable
{
    private readonly string _provider;
    private readonly int _port;
    private readonly string _directory;

    private PrivateServer(string provider)
    {
        _provider = provider;
        _port = FreePort();
        _directory = Path.Combine(Path.GetTempPath(), $"logoutenricher-private-{provider.ToLowerInvariant()}-{_port}");
    }

    public string Connection => _provider == "Redis"
        ? $"127.0.0.1:{_port},connectTimeout=1000"
        : $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Timeout=3";

    public static async Task<PrivateServer> StartAsync(string provider)
    {
        // The shared server's variable must be set: it proves the install exists (and skips or fails the test if not).
        Assert.NotEmpty(provider == "Redis" ? TestServers.Redis : TestServers.PostgreSql);
        var server = new PrivateServer(provider);
        if (provider != "Redis")
        {
            Directory.CreateDirectory(server._directory);
            await RunAsync("chown", "postgres", server._directory);
            await AsPostgresAsync("initdb", $"-D {server._directory}/data --auth=trust --username=postgres");
        }

        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the server again on the same port with the data it had.</summary>
    public Task StartAsync() => _provider == "Redis"
        ? RunAsync("redis-server", "--port", $"{_port}", "--bind", "127.0.0.1", "--daemonize", "yes", "--save", "", "--appendonly", "no", "--dir", Directory.CreateDirectory(_directory).FullName)
        : AsPostgresAsync("pg_ctl", $"-D {_directory}/data -w -l {_directory}/server.log -o \"-p {_port} -k {_directory} -c listen_addresses=127.0.0.1\" start");

    /// <summary>A real stop, as an operator or a crash would cause it; Redis writes its data to disk first.</summary>
    public Task StopAsync() => _provider == "Redis"
        ? RunAsync("redis-cli", "-p", $"{_port}", "shutdown", "save")
        : AsPostgresAsync("pg_ctl", $"-D {_directory}/data -m fast -w stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static Task AsPostgresAsync(string tool, string arguments)
    {
        var bin = Environment.GetEnvironmentVariable("LOGOUTENRICHER_TEST_POSTGRES_BIN")
            ?? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Order(StringComparer.Ordinal).Last();
        var command = $"{bin}/{tool} {arguments}";
        // Note: PostgreSQL refuses to run as root, and CI runs as root: the cluster belongs to the postgres user.
        return Environment.UserName == "root" ? RunAsync("su", "postgres", "-c", command) : RunAsync("sh", "-c", command);
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
