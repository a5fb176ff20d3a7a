using System.Collections.Concurrent;
using System.Diagnostics;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>
/// A node script of this repository as a child process: started in its npm folder, ready once it prints a line
/// starting with <c>ready </c>, its stderr kept (in <see cref="Errors"/>, in the error when it does not start, and in
/// the running test's output when disposed; never echoed to the console, see <see cref="ChildOutput"/>), and killed
/// with its children when disposed.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private readonly ChildOutput _stderr;

    private NodeProcess(Process process, string name)
    {
        _process = process;
        _stderr = new ChildOutput(name);
    }

    /// <summary>What the script printed on stderr.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    /// <summary>Why <paramref name="package"/> cannot run from <paramref name="folder"/>, or null when it can.</summary>
    /// <param name="ciScript">The CI script that installs it, named in the reason.</param>
    public static string? Unavailable(string folder, string package, string ciScript)
    {
        if (!File.Exists(Path.Combine(folder, "node_modules", package, "package.json")))
        {
            return $"{package} is not installed: run 'npm ci' in {folder} (CI does it in {ciScript})";
        }

        return NodeUnavailable();
    }

    /// <summary>Why node itself cannot run here, or null when it can.</summary>
    public static string? NodeUnavailable()
    {
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            node.WaitForExit(10_000);
            return node.ExitCode == 0 ? null : "node --version failed";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "node is not on the PATH";
        }
    }

    /// <summary>What the script printed on stderr, each line prefixed with its name.</summary>
    public string ErrorOutput => _stderr.ToString();

    /// <param name="name">How its stderr lines are prefixed, and what the error says did not start.</param>
    /// <exception cref="InvalidOperationException">The script exited or was not ready within 20 seconds.</exception>
    public static async Task<NodeProcess> StartAsync(string name, string folder, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var node = new NodeProcess(Process.Start(start)!, name);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node._process.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.StartsWith("ready ", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        node._process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { Length: > 0 } text)
            {
                node.Errors.Enqueue(text);
                node._stderr.Add(text);
            }
        };
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();

        if (await Task.WhenAny(ready.Task, node._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(20))) != ready.Task)
        {
            await node.DisposeAsync();
            throw new InvalidOperationException($"{name} did not start; its stderr:{Environment.NewLine}{node.ErrorOutput}");
        }

        return node;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _stderr.AttachToTestOutput();
    }
}
