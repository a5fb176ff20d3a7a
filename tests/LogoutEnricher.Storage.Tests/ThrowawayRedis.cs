using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LogoutEnricher.Testing;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Tests;

/// <summary>
/// A redis-server of the test's own, on a free loopback port, for the settings a shared server must not have changed
/// under it (CONFIG SET appendonly). Needs the redis-server that .ci/services/redis.sh installs.
/// </summary>
internal sealed class ThrowawayRedis : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly ConnectionMultiplexer _admin;

    private ThrowawayRedis(Process process, string directory, ConnectionMultiplexer admin, string configuration)
    {
        _process = process;
        _directory = directory;
        _admin = admin;
        Configuration = configuration;
    }

    public string Configuration { get; }

    public static async Task<ThrowawayRedis> StartAsync(CancellationToken cancellationToken)
    {
        _ = TestServers.Redis; // the same rule as the shared server: skip locally, fail under CI, when Redis is not set up
        var directory = Directory.CreateTempSubdirectory("logoutenricher-redis-").FullName;
        var port = FreePort();
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory, "--logfile", Path.Combine(directory, "redis.log") },
            UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        var configuration = $"127.0.0.1:{port},allowAdmin=true";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                var admin = await ConnectionMultiplexer.ConnectAsync(configuration);
                if (admin.IsConnected)
                {
                    return new ThrowawayRedis(process, directory, admin, configuration);
                }

                await admin.DisposeAsync();
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                process.Kill();
                throw new TimeoutException("the throwaway redis-server did not answer within 30 s");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public Task ConfigSetAsync(string name, string value) =>
        _admin.GetServers()[0].ConfigSetAsync(name, value);

    public async ValueTask DisposeAsync()
    {
        await _admin.DisposeAsync();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
