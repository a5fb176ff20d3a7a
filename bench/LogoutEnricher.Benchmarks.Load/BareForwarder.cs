using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace LogoutEnricher.Benchmarks.Load;

/// <summary>
/// The reference for the capture path: an ASP.NET Core host that forwards the token endpoint with YARP's
/// <see cref="IHttpForwarder"/> and the same connection settings as LogoutEnricher, and does nothing else. Runs as its
/// own process (this program with <c>--bare-forwarder</c>) so its CPU time can be read apart.
/// </summary>
internal sealed class BareForwarder : IAsyncDisposable
{
    private readonly Process _process;

    private BareForwarder(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public int ProcessId => _process.Id;

    /// <param name="runtimeEnvironment">Runtime settings (GC, thread pool) to run with, the same as LogoutEnricher's.</param>
    public static async Task<BareForwarder> StartAsync(Uri upstream, IReadOnlyDictionary<string, string> runtimeEnvironment)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo(Environment.ProcessPath!, [typeof(BareForwarder).Assembly.Location, "--bare-forwarder", upstream.ToString(), port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        };
        // Note: LogoutEnricher is a web project and runs with the server GC; so does the reference, unless told otherwise.
        start.Environment["DOTNET_gcServer"] = "1";
        foreach (var (name, value) in runtimeEnvironment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { BaseAddress = baseUrl };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                using var response = await http.GetAsync("/ready");
                if (response.IsSuccessStatusCode)
                {
                    return new BareForwarder(process, baseUrl);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        process.Kill();
        throw new TimeoutException("the bare forwarder did not start");
    }

    /// <summary>The child process's entry point.</summary>
    public static async Task RunAsync(Uri upstream, int port)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        });
        var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(30) };
        var destination = upstream.ToString();
        app.MapGet("/ready", () => Results.Ok());
        app.MapPost(FastUpstream.TokenPath, async context => await forwarder.SendAsync(context, destination, invoker, config, HttpTransformer.Default));
        await app.RunAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
