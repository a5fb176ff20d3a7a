using System.Diagnostics;

namespace LogoutEnricher.ProcessTests;

/// <summary>A process run to its end (one that is expected to refuse to start): its exit code and everything it wrote.</summary>
internal sealed record ExitedProcess(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;

    /// <summary>Runs <c>dotnet <paramref name="assembly"/></c> with only <paramref name="environment"/> as configuration.</summary>
    public static async Task<ExitedProcess> RunAsync(string assembly, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(assembly)} did not exit within 60 s: it started although its configuration is wrong.\n{await output}{await error}");
        }

        return new ExitedProcess(process.ExitCode, await output, await error);
    }
}
