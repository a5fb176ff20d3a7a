using System.Diagnostics;
using System.Text.Json;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>One client registered at the provider.</summary>
internal sealed record ProviderClient(string ClientId, string Secret, Uri AppBaseUrl, Uri BackChannelLogoutUri);

/// <summary>
/// node <c>oidc-provider</c> (provider/provider.mjs) as a child process on a loopback port. The provider folder is
/// <c>LOGOUTENRICHER_E2E_PROVIDER_DIR</c> when set (by .ci/services/oidc-provider.sh), else the source folder.
/// </summary>
internal sealed class NodeOidcProvider : IAsyncDisposable
{
    private readonly Process _process;

    private NodeOidcProvider(Process process, int port)
    {
        _process = process;
        Issuer = $"http://127.0.0.1:{port}";
    }

    public string Issuer { get; }

    public Uri TokenEndpoint => new($"{Issuer}/token");

    /// <summary>Why the provider cannot run here, or null when it can.</summary>
    public static string? Unavailable()
    {
        var folder = Folder();
        if (!File.Exists(Path.Combine(folder, "node_modules", "oidc-provider", "package.json")))
        {
            return $"oidc-provider is not installed: run 'npm ci' in {folder} (CI does it in .ci/services/oidc-provider.sh)";
        }

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

    public static async Task<NodeOidcProvider> StartAsync(int port, IEnumerable<ProviderClient> clients)
    {
        var registrations = clients.Select(c => new Dictionary<string, object>
        {
            ["client_id"] = c.ClientId,
            ["client_secret"] = c.Secret,
            ["redirect_uris"] = new[] { new Uri(c.AppBaseUrl, "signin-oidc").ToString() },
            ["post_logout_redirect_uris"] = new[] { new Uri(c.AppBaseUrl, "signout-callback-oidc").ToString() },
            ["backchannel_logout_uri"] = c.BackChannelLogoutUri.ToString(),
        });
        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder(), RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("provider.mjs");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(JsonSerializer.Serialize(registrations));

        var process = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.StartsWith("ready ", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, line) => Console.Error.WriteLine("[oidc-provider] " + line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var provider = new NodeOidcProvider(process, port);
        if (await Task.WhenAny(ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(20))) != ready.Task)
        {
            await provider.DisposeAsync();
            throw new InvalidOperationException("oidc-provider did not start (see its stderr above)");
        }

        return provider;
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

    private static string Folder() =>
        Environment.GetEnvironmentVariable("LOGOUTENRICHER_E2E_PROVIDER_DIR") is { Length: > 0 } folder
            ? folder
            : Requirement.RepositoryPath("tests", "LogoutEnricher.EndToEndTests", "provider");
}
