using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// A client that breaks HTTP framing (chunk sizes, truncated chunks, huge trailers, bodies that stall) gets a 400 (or a
/// 408 for a body too slow) that says what happened: never a 500, and never a 502 that blames the provider.
/// Written on a raw socket against the real Kestrel host.
/// </summary>
public sealed class BodyFramingTests : IAsyncLifetime
{
    private const string Form = "Content-Type: application/x-www-form-urlencoded";
    private static readonly string TokenPath = $"/realms/{The.Realm}/protocol/openid-connect/token";

    private TestEnvironment _env = null!;
    private int _reachedProvider;

    public async ValueTask InitializeAsync()
    {
        _env = await TestEnvironment.StartAsync();
        _env.Keycloak.TokenEndpointOverride = _ =>
        {
            Interlocked.Increment(ref _reachedProvider);
            return Task.FromResult(false);
        };
    }

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    public static TheoryData<string, string> BrokenChunkedBodies => new()
    {
        { "HugeChunkSize", "ffffffffffffffffff\r\nabc\r\n0\r\n\r\n" },
        { "ChunkSizeNotHex", "zz\r\nabc\r\n0\r\n\r\n" },
        { "ChunkLongerThanDeclared", "3\r\nabcdef\r\n0\r\n\r\n" },
        { "TrailerOf40KB", "7\r\na=b&c=d\r\n0\r\nX-Trailer: " + new string('t', 40 * 1024) + "\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(BrokenChunkedBodies))]
    public async Task Logout_BrokenChunkedBody_Returns400MalformedRequest(string name, string body)
    {
        var response = (await SendChunkedAsync("/backchannel-logout", body, closeSending: false))!;

        Assert.True(response.Status == 400, $"{name}: {response.Status} {response.Body}{Logged()}");
        Assert.Contains("MalformedRequest", response.Body, StringComparison.Ordinal);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task Logout_TruncatedChunkThenConnectionEnds_NoServerErrorAndNothingLoggedAsAnError()
    {
        var response = await SendChunkedAsync("/backchannel-logout", "64\r\nlogout_token=abc", closeSending: true);

        // Kestrel ends the request when the client's side of the connection closes; if it still answers, a 400.
        Assert.True(response is null || response.Status == 400, $"{response?.Status} {response?.Body}");
        AssertNoErrorLogged();
    }

    [Theory]
    [MemberData(nameof(BrokenChunkedBodies))]
    public async Task TokenRequest_BrokenChunkedBody_Returns400WithoutBlamingTheProvider(string name, string body)
    {
        var response = (await SendChunkedAsync(TokenPath, body, closeSending: false))!;

        Assert.True(response.Status == 400, $"{name}: {response.Status} {response.Body}{Logged()}");
        Assert.DoesNotContain("identity provider", response.Body, StringComparison.Ordinal);
        // The whole body is read before forwarding: nothing of a broken request is half-sent to the provider.
        Assert.Equal(0, Volatile.Read(ref _reachedProvider));
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task TokenRequest_TruncatedChunkThenConnectionEnds_NotLoggedAsAProviderFailure()
    {
        var response = await SendChunkedAsync(TokenPath, "64\r\ngrant_type=authorization_code&client_session_state=x", closeSending: true);

        Assert.True(response is null || response.Status == 400, $"{response?.Status} {response?.Body}");
        Assert.DoesNotContain(_env.Logs.Events, e => e.Level >= LogEventLevel.Warning && e.RenderMessage().Contains("provider", StringComparison.Ordinal));
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task Logout_BodyThatStalls_Returns400NamingTheTimeout()
    {
        var response = (await SendStallingAsync("/backchannel-logout", 16_000))!;

        Assert.True(response.Status == 400, $"{response.Status} {response.Body}{Logged()}");
        Assert.Contains("BodyTimeout", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("BodyTooLarge", response.Body, StringComparison.Ordinal);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task TokenRequest_BodyThatStalls_Returns408AndIsNotLoggedAsAnError()
    {
        var response = (await SendStallingAsync(TokenPath, 2_000))!;

        Assert.True(response.Status == 408, $"{response.Status} {response.Body}{Logged()}");
        Assert.DoesNotContain("identity provider", response.Body, StringComparison.Ordinal);
        Assert.True(_env.Logs.Events.Any(e => e.RenderMessage().Contains("too slowly", StringComparison.Ordinal)), $"no 'too slowly' event{Logged()}");
        Assert.Equal(0, Volatile.Read(ref _reachedProvider));
        AssertNoErrorLogged();
    }

    private Task<RawResponse?> SendChunkedAsync(string path, string body, bool closeSending) =>
        RawHttp.SendAsync(_env.Client.BaseAddress!, $"POST {path} HTTP/1.1\r\nHost: sidecar.test\r\n{Form}\r\nTransfer-Encoding: chunked", RawHttp.Text(body), closeSending);

    /// <summary>Announces <paramref name="length"/> bytes, sends a few and then nothing: Kestrel's minimum data rate trips.</summary>
    private Task<RawResponse?> SendStallingAsync(string path, int length) =>
        RawHttp.SendAsync(_env.Client.BaseAddress!, $"POST {path} HTTP/1.1\r\nHost: sidecar.test\r\n{Form}\r\nContent-Length: {length}", async stream =>
        {
            await stream.WriteAsync("logout_token=ey"u8.ToArray());
            await stream.FlushAsync();
        });

    private void AssertNoErrorLogged()
    {
        Assert.False(_env.Logs.Events.Any(e => e.Level >= LogEventLevel.Error), $"an Error was logged{Logged()}");
    }

    /// <summary>What the host logged at Information and above, for a failure message that says what happened.</summary>
    private string Logged() => string.Concat(_env.Logs.Events.Where(e => e.Level >= LogEventLevel.Information)
        .Select(e => $"\n  [{e.Level}] {e.RenderMessage()} {e.Exception?.GetType().Name} {e.Exception?.Message}"));
}
