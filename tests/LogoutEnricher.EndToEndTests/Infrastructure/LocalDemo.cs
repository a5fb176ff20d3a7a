using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>
/// <c>samples/run-local.sh</c> as a newcomer runs it: one command that starts the OpenID provider, LogoutEnricher and
/// two DemoApps and prints their URLs; then stopped (see <see cref="StopAsync"/>).
/// </summary>
internal sealed partial class LocalDemo : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private LocalDemo(Process process, StringBuilder output, int[] ports)
    {
        _process = process;
        _output = output;
        Ports = ports;
    }

    /// <summary>Provider, LogoutEnricher, demo-app-1, demo-app-2.</summary>
    public int[] Ports { get; }

    public Uri FirstApp => new($"http://127.0.0.1:{Ports[2]}/");

    public Uri SecondApp => new($"http://127.0.0.1:{Ports[3]}/");

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public static async Task<LocalDemo> StartAsync()
    {
        if (NodeOidcProvider.Unavailable() is { } reason)
        {
            Requirement.Missing(reason);
        }

        int[] ports = [Requirement.FreePort(), Requirement.FreePort(), Requirement.FreePort(), Requirement.FreePort()];
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Requirement.RepositoryPath("samples", "run-local.sh"));
        start.ArgumentList.Add("--no-build");
        start.ArgumentList.Add("--configuration");
        start.ArgumentList.Add(BuildConfiguration);
        start.Environment["LOCAL_PROVIDER_PORT"] = ports[0].ToString(CultureInfo.InvariantCulture);
        start.Environment["LOCAL_SIDECAR_PORT"] = ports[1].ToString(CultureInfo.InvariantCulture);
        start.Environment["LOCAL_APP1_PORT"] = ports[2].ToString(CultureInfo.InvariantCulture);
        start.Environment["LOCAL_APP2_PORT"] = ports[3].ToString(CultureInfo.InvariantCulture);

        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(start)!;
        DataReceivedEventHandler collect = (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line.Data);
            }

            if (line.Data == "Ready.")
            {
                ready.TrySetResult();
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var demo = new LocalDemo(process, output, ports);
        if (await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120))) != ready.Task)
        {
            await demo.DisposeAsync();
            Assert.Fail("samples/run-local.sh did not print Ready.:\n" + demo.Output);
        }

        return demo;
    }

    /// <summary>The one-time admin API key the script printed.</summary>
    public string ApiKey => ApiKeyPattern().Match(Output).Groups[1].Value;

    /// <summary>
    /// Stops the script the way a terminal or a service manager does; it stops everything it started and returns its
    /// exit code. Note: SIGTERM, which the script handles like Ctrl-C's SIGINT: a process started in the background
    /// by a non-interactive shell (as CI runners start test runs) inherits SIGINT as ignored, and bash cannot trap a
    /// signal that was ignored when it started.
    /// </summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    [GeneratedRegex(@"API key: ([A-Za-z0-9]+)")]
    private static partial Regex ApiKeyPattern();
}
