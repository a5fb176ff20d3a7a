using System.Diagnostics;
using System.Net.Sockets;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>
/// Real nginx (the Debian package) running deploy/nginx/logoutenricher-ingress.conf.template, rendered with the test's
/// ports, as an unprivileged foreground process with its own prefix directory. The binary is
/// <c>LOGOUTENRICHER_E2E_NGINX</c> when set (by .ci/services/nginx.sh), else <c>/usr/sbin/nginx</c> or the PATH.
/// </summary>
internal sealed class NginxIngress : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly ChildOutput _stderr = new("nginx");

    private NginxIngress(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Url = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri Url { get; }

    /// <summary>Why nginx cannot run here, or null when it can.</summary>
    public static string? Unavailable() => Binary() is null
        ? "nginx is not installed (apt-get install nginx; CI does it in .ci/services/nginx.sh)"
        : null;

    /// <summary>The shipped template with its three variables replaced, as envsubst would.</summary>
    public static string Render(int port, Uri keycloak, Uri logoutEnricher)
    {
        var rendered = File.ReadAllText(Requirement.RepositoryPath("deploy", "nginx", "logoutenricher-ingress.conf.template"))
            .Replace("${INGRESS_PORT}", $"127.0.0.1:{port}", StringComparison.Ordinal)
            .Replace("${KEYCLOAK_UPSTREAM}", keycloak.Authority, StringComparison.Ordinal)
            .Replace("${LOGOUTENRICHER_UPSTREAM}", logoutEnricher.Authority, StringComparison.Ordinal);
        Assert.DoesNotContain("${", rendered.Split('\n').Where(line => !line.TrimStart().StartsWith('#')), StringComparer.Ordinal);
        return rendered;
    }

    public static async Task<NginxIngress> StartAsync(int port, Uri keycloak, Uri logoutEnricher)
    {
        var directory = Directory.CreateTempSubdirectory("logoutenricher-nginx-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // nginx's workers drop root for "nobody", which must still reach the temp paths below.
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }

        File.WriteAllText(Path.Combine(directory, "ingress.conf"), Render(port, keycloak, logoutEnricher));
        File.WriteAllText(Path.Combine(directory, "nginx.conf"), $$"""
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log {{directory}}/access.log;
                client_body_temp_path {{directory}}/client_body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                include {{directory}}/ingress.conf;
            }
            """);

        var start = new ProcessStartInfo(Binary()!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-e", Path.Combine(directory, "error.log"), "-p", directory, "-c", Path.Combine(directory, "nginx.conf"), "-g", "daemon off;" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var ingress = new NginxIngress(process, directory, port);
        // Kept, never echoed to the console from this callback (see ChildOutput).
        process.ErrorDataReceived += (_, line) => { if (line.Data is { Length: > 0 }) { ingress._stderr.Add(line.Data); } };
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await AcceptsAsync(port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var log = File.Exists(Path.Combine(directory, "error.log")) ? File.ReadAllText(Path.Combine(directory, "error.log")) : "";
                await ingress.DisposeAsync();
                throw new InvalidOperationException("nginx did not start: " + log + Environment.NewLine + ingress._stderr);
            }

            await Task.Delay(100);
        }

        return ingress;
    }

    /// <summary>The access log: one line per request, to see which upstream answered what.</summary>
    public string AccessLog => File.ReadAllText(Path.Combine(_directory, "access.log"));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _stderr.AttachToTestOutput();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A worker may hold a log for a moment; the OS cleans its temp directory.
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string? Binary()
    {
        if (Environment.GetEnvironmentVariable("LOGOUTENRICHER_E2E_NGINX") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin");
        return path.Select(folder => Path.Combine(folder, "nginx")).FirstOrDefault(File.Exists);
    }
}
