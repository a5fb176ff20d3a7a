using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Net;
using System.Text;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Http;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// A token request's body is read whole before anything is forwarded, held in memory at its own size, forwarded byte
/// for byte however large (up to the route's 1 MiB), and refused with 413 beyond that without reaching the provider.
/// </summary>
/// <remarks>Runs alone: its listener on the shared array pool hears every test's rentals.</remarks>
[Collection(nameof(RunsAlone))]
public sealed class TokenRequestBodyTests : IAsyncLifetime
{
    private const int RouteLimit = 1024 * 1024;
    private static readonly string TokenPath = $"/realms/{The.Realm}/protocol/openid-connect/token";

    private TestEnvironment _env = null!;
    private readonly ConcurrentQueue<byte[]> _receivedBodies = new();

    public async ValueTask InitializeAsync()
    {
        _env = await TestEnvironment.StartAsync();
        _env.Keycloak.TokenEndpointOverride = async context =>
        {
            using var copy = new MemoryStream();
            await context.Request.Body.CopyToAsync(copy);
            _receivedBodies.Enqueue(copy.ToArray());
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":"invalid_grant"}""");
            return true;
        };
    }

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TokenRequest_BodyBeyondWhatIsCapturedButWithinTheRouteLimit_ReachesTheProviderByteForByte(bool chunked)
    {
        // Larger than Capture:MaxRequestBodyBytes (64 KiB, so not parsed) and than the reader's first step, within the route's limit.
        var body = Form(RouteLimit - (100 * 1024) + 1);

        using var response = await PostAsync(body, chunked);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {response.Headers} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("400", response.Headers.GetValues("X-Upstream-Status").Single());
        var received = Assert.Single(_receivedBodies);
        Assert.True(body.AsSpan().SequenceEqual(received), $"the provider received {received.Length} bytes, not the {body.Length} sent");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TokenRequest_BodyOverTheRouteLimit_Answered413WithAnOAuthErrorAndNeverForwarded(bool chunked)
    {
        using var response = await PostAsync(Form(RouteLimit + 1), chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Upstream-Status"), "the answer came from the provider");
        Assert.Contains("\"error\":\"invalid_request\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_receivedBodies);
    }

    [Fact]
    public async Task TokenRequests_BufferedAtTheirOwnSize_NoBufferOfTheRouteLimitIsRented()
    {
        // Note: a buffer of the route's whole limit per request (what EnableBuffering with that threshold rents from the
        // shared pool) kept dozens of 1 MiB arrays alive under concurrent token requests of a few hundred bytes each.
        using var rentals = new LargeRentals(minimumBytes: RouteLimit);
        _env.Keycloak.TokenEndpointOverride = null;

        var logins = Enumerable.Range(0, 32).Select(i => _env.ExchangeCodeAsync(The.ClientId, $"app-session-{i}", chunked: i % 2 == 0));
        foreach (var response in await Task.WhenAll(logins))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        Assert.True(rentals.Sizes.IsEmpty, $"buffers of {string.Join(", ", rentals.Sizes)} bytes were rented for 32 token requests");
    }

    /// <summary>A form of exactly <paramref name="length"/> bytes: an assertion-like parameter padded to size.</summary>
    private static byte[] Form(int length)
    {
        const string prefix = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
        var form = new StringBuilder(prefix, length);
        for (var i = 0; form.Length < length; i++)
        {
            form.Append((char)('a' + (i % 26)));
        }

        return Encoding.ASCII.GetBytes(form.ToString());
    }

    private Task<HttpResponseMessage> PostAsync(byte[] body, bool chunked)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        var request = new HttpRequestMessage(HttpMethod.Post, TokenPath) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        return _env.Client.SendAsync(request);
    }

    /// <summary>The sizes of the buffers rented from the shared array pool while it listens, at least a given size.</summary>
    private sealed class LargeRentals(int minimumBytes) : EventListener
    {
        public ConcurrentQueue<int> Sizes { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "System.Buffers.ArrayPoolEventSource")
            {
                EnableEvents(eventSource, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName == "BufferRented" && eventData.PayloadNames?.IndexOf("bufferSize") is >= 0 and var index
                && eventData.Payload![index] is int size && size >= minimumBytes)
            {
                Sizes.Enqueue(size);
            }
        }
    }
}
