using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace LogoutEnricher.Testing;

/// <summary>
/// LogoutEnricher as operators run it: <c>dotnet LogoutEnricher.dll</c> (or a published build) in its own process,
/// configured only through environment variables, on a fixed loopback port so that a restart comes back at the same
/// address. Shared with the burst benchmark, so it throws rather than asserts.
/// </summary>
internal sealed class SidecarProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string _program;
    private readonly Queue<string> _lastLines = new();
    private Process? _process;

    /// <param name="environment">The sidecar's whole configuration.</param>
    /// <param name="program">
    /// A published sidecar to run instead of the build output: its <c>LogoutEnricher.dll</c> (run with <c>dotnet</c>)
    /// or its self-contained executable, for benchmarks of the build that ships.
    /// </param>
    public SidecarProcess(Dictionary<string, string> environment, string? program = null)
    {
        _environment = environment;
        _program = program is null ? SidecarAssembly() : Path.GetFullPath(program);
        BaseUrl = new Uri($"http://127.0.0.1:{FreePort()}/");
    }

    public Uri BaseUrl { get; }

    /// <summary>The operating system's id of the running sidecar, for /proc readings.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("LogoutEnricher is not running.");

    /// <summary>From <c>Process.Start</c> to the first 200 on <c>/health/ready</c> of the last start.</summary>
    public TimeSpan ReadyAfter { get; private set; }

    /// <summary>The sidecar's last log lines, for a failure message.</summary>
    public string Tail
    {
        get
        {
            lock (_lastLines)
            {
                return string.Join('\n', _lastLines);
            }
        }
    }

    public async Task StartAsync()
    {
        var start = _program.EndsWith(".dll", StringComparison.Ordinal) ? new ProcessStartInfo("dotnet", [_program]) : new ProcessStartInfo(_program);
        start.WorkingDirectory = Path.GetDirectoryName(_program)!;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;

        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = BaseUrl.ToString().TrimEnd('/');
        var started = Stopwatch.StartNew();
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilReadyAsync();
        ReadyAfter = started.Elapsed;
    }

    /// <summary>kill -9: no shutdown hook runs, no lease is released, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        _process!.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await KillAsync();
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl };
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"LogoutEnricher exited with {_process.ExitCode}:\n{Tail}");
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

            // Note: a short poll, so that the benchmark's time-to-ready is not rounded up by the poll.
            await Task.Delay(10);
        }

        throw new TimeoutException($"LogoutEnricher did not become ready within 30 s:\n{Tail}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 40)
            {
                _lastLines.Dequeue();
            }
        }
    }

    /// <summary>The sidecar built in the same configuration as these tests (Release in CI).</summary>
    internal static string SidecarAssembly() => BuiltAssembly("src/LogoutEnricher", "LogoutEnricher.dll");

    /// <summary>An assembly of this repository built in the same configuration as these tests.</summary>
    internal static string BuiltAssembly(string project, string file)
    {
        var configuration = typeof(SidecarProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LogoutEnricher.sln")))
        {
            directory = directory.Parent;
        }

        var path = Path.Combine(directory?.FullName ?? ".", project, "bin", configuration, "net10.0", file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{file} is missing: build the solution first.", path);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
