using System.Text;
using BenchmarkDotNet.Attributes;
using LogoutEnricher.Benchmarks.Fixture;
using LogoutEnricher.Protocol.Capture;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace LogoutEnricher.Benchmarks;

/// <summary>
/// What the capture adds to forwarding a token request: reading the request's form, reading the provider's 200 answer,
/// and recording the session (handle + encryption, in-memory store). "Allocated" of <see cref="CaptureWork"/> is the
/// capture's share per token request; YARP's own forwarding comes on top in both the bare forwarder and LogoutEnricher.
/// </summary>
[MemoryDiagnoser]
public class CaptureBenchmarks
{
    private SidecarServices _sidecar = null!;
    private byte[] _response = [];
    private string _form = "";
    private Dictionary<string, StringValues> _parsedForm = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sidecar = await SidecarServices.StartAsync();
        _response = Encoding.UTF8.GetBytes(_sidecar.Provider.TokenResponse("5e2f8b1c-3a4d-4e6f-9a0b-1c2d3e4f5a6b"));
        _form = "grant_type=authorization_code&code=code-0f1e2d3c4b5a69788796a5b4c3d2e1f0&redirect_uri=http%3A%2F%2Fapp.test%2Fcb"
            + "&client_id=app-one&client_secret=app-one-secret&client_session_state=PHPSESSID-a1b2c3d4e5f6&client_session_host=node-1";
        _parsedForm = await new FormReader(_form).ReadFormAsync();
        if (await CaptureWork() is false)
        {
            throw new InvalidOperationException("the benchmark exchange was not captured");
        }
    }

    [GlobalCleanup]
    public ValueTask CleanupAsync() => _sidecar.DisposeAsync();

    [Benchmark]
    public bool TokenResponse_Parse() => TokenResponse.Parse(_response) is not null;

    [Benchmark]
    public bool TokenRequest_From() => TokenRequest.From(_parsedForm, null) is not null;

    [Benchmark]
    public async Task<bool> CaptureWork()
    {
        using var reader = new FormReader(new MemoryStream(Encoding.UTF8.GetBytes(_form)), Encoding.UTF8);
        var request = TokenRequest.From(await reader.ReadFormAsync(), null)!;
        var response = TokenResponse.Parse(_response)!;
        return await _sidecar.Get<SessionCapturer>().CaptureAsync(request, response, CancellationToken.None);
    }
}
