using System.Text;
using BenchmarkDotNet.Attributes;
using LogoutEnricher.Benchmarks.Fixture;
using LogoutEnricher.Protocol.BackChannelLogout;
using Microsoft.AspNetCore.Http;

namespace LogoutEnricher.Benchmarks;

/// <summary>
/// The logout path in process: validation alone, then the whole endpoint (read the form, validate, resolve, enrich,
/// sign, deliver or queue) with in-memory stores and an in-memory application. "Allocated" is per logout.
/// </summary>
[MemoryDiagnoser]
public class LogoutBenchmarks
{
    private SidecarServices _synchronous = null!;
    private SidecarServices _queued = null!;
    private string _token = "";
    private byte[] _body = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _synchronous = await SidecarServices.StartAsync("Synchronous");
        _queued = await SidecarServices.StartAsync("Queued");
        _token = _synchronous.Provider.LogoutToken("5e2f8b1c-3a4d-4e6f-9a0b-1c2d3e4f5a6b");
        _body = Encoding.ASCII.GetBytes("logout_token=" + _token);
        // The queued graph has its own provider key; its token must be signed by it.
        _queuedBody = Encoding.ASCII.GetBytes("logout_token=" + _queued.Provider.LogoutToken("5e2f8b1c-3a4d-4e6f-9a0b-1c2d3e4f5a6b"));
        foreach (var (sidecar, body) in new[] { (_synchronous, _body), (_queued, _queuedBody) })
        {
            var answer = new MemoryStream();
            if (await HandleAsync(sidecar, body, answer) != 200)
            {
                throw new InvalidOperationException($"the benchmark logout was not accepted: {Encoding.UTF8.GetString(answer.ToArray())}");
            }
        }
    }

    private byte[] _queuedBody = [];

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _synchronous.DisposeAsync();
        await _queued.DisposeAsync();
    }

    [Benchmark]
    public async Task<bool> Validate_RS256()
    {
        var result = await _synchronous.Get<LogoutTokenValidator>().ValidateAsync(_token, null, CancellationToken.None);
        return result.Token is not null;
    }

    [Benchmark]
    public Task<int> Synchronous() => HandleAsync(_synchronous, _body);

    [Benchmark]
    public Task<int> Queued() => HandleAsync(_queued, _queuedBody);

    private static async Task<int> HandleAsync(SidecarServices sidecar, byte[] body, Stream? answer = null)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = answer ?? Stream.Null;
        context.Request.Method = "POST";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body, writable: false);
        await sidecar.Get<BackChannelLogoutEndpoint>().HandleAsync(context, null);
        return context.Response.StatusCode;
    }
}
