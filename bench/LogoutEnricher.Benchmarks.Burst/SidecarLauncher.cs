using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace LogoutEnricher.Benchmarks.Burst;

/// <summary>Runs LogoutEnricher as its own process (<c>dotnet LogoutEnricher.dll</c>), configured by environment variables.</summary>
internal sealed class SidecarLauncher(Dictionary<string, string> environment) : IAsyncDisposable
{
    private Process? _process;

    public Uri BaseUrl { get; } = new($"http://127.0.0.1:{FreePort()}/");

    public async Task StartAsync()
    {
        var assembly = FindSidecar();
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = BaseUrl.ToString().TrimEnd('/');
        // Note: per-logout information logs would measure the console, not the sidecar.
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, line) => { if (line.Data is not null) Console.Error.WriteLine(line.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseUrl };
        for (var i = 0; i < 300; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"LogoutEnricher exited with {_process.ExitCode}.");
            }

            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("LogoutEnricher did not become ready within 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private static string FindSidecar()
    {
        var configuration = typeof(SidecarLauncher).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LogoutEnricher.sln")))
        {
            directory = directory.Parent;
        }

        var path = Path.Combine(directory?.FullName ?? ".", "src", "LogoutEnricher", "bin", configuration, "net10.0", "LogoutEnricher.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first.", path);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
