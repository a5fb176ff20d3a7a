using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// Wrong admin credentials from one client, to the admin API and to the console sign-in: after a few, that client is
/// answered 429 with Retry-After and nothing it sends is checked until the window ends; other clients go on; the
/// failures make one log line per client per window, not one per attempt.
/// </summary>
public sealed class CredentialThrottlingTests : IAsyncLifetime
{
    private const string ApiKey = "admin-key-that-only-the-operator-knows";
    private const int Limit = 5;
    private const int CredentialsRefused = 10206;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await TestEnvironment.StartAsync(
        settings =>
        {
            settings["LogoutEnricher:Admin:Enabled"] = "true";
            settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
            settings["LogoutEnricher:Admin:FailedCredentials:Limit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["LogoutEnricher:Admin:FailedCredentials:Window"] = "00:01:00";
        },
        services => services.AddSingleton<TimeProvider>(_time));

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task AdminApi_ManyWrongKeysFromOneClient_Returns429WithRetryAfterAndLogsOneLine()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            using var response = await GetMappingsAsync(_env.Client, "wrong-key-" + i);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.InRange(int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
                Assert.Equal(429, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
            }
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, Limit), statuses.Take(Limit));
        Assert.All(statuses.Skip(Limit), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));
        Assert.Single(_env.Logs.Events, e => e.EventIdOf() == CredentialsRefused);
    }

    [Fact]
    public async Task AdminApi_RightKeyWhileThrottled_IsRefusedUntilTheWindowEnds()
    {
        await FailAsync(Limit);

        using var throttled = await GetMappingsAsync(_env.Client, ApiKey);
        _time.Advance(Window + TimeSpan.FromSeconds(1));
        using var afterWindow = await GetMappingsAsync(_env.Client, ApiKey);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterWindow.StatusCode);
    }

    [Fact]
    public async Task AdminApi_OtherClientWhileOneIsThrottled_IsAdmittedAndStillCounted()
    {
        await FailAsync(Limit + 3);
        using var other = FromAddress(IPAddress.Parse("127.0.0.2"));

        using var right = await GetMappingsAsync(other, ApiKey);
        using var wrong = await GetMappingsAsync(other, "wrong-key");
        using var stillThrottled = await GetMappingsAsync(_env.Client, ApiKey);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, stillThrottled.StatusCode);
    }

    [Fact]
    public async Task AdminApi_ThrottledForSeveralWindows_LogsOneLinePerWindowWithTheCounts()
    {
        for (var window = 0; window < 3; window++)
        {
            await FailAsync(50);
            _time.Advance(Window + TimeSpan.FromSeconds(1));
        }

        var lines = _env.Logs.Events.Where(e => e.EventIdOf() == CredentialsRefused).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal("5", lines[1].Properties["PreviousFailures"].ToString());
        Assert.Equal("45", lines[1].Properties["PreviousThrottled"].ToString());
    }

    [Fact]
    public async Task ConsoleSignIn_ManyWrongKeys_Returns429PageWithRetryAfterAndRefusesTheRightKey()
    {
        using var browser = new ConsoleBrowser(_env.Client.BaseAddress!);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            statuses.Add(await SignInAsync(browser, "wrong-key-" + i));
        }

        var page = await (await browser.Http.GetAsync(ConsoleBrowser.ConsolePath + "/sign-in")).Content.ReadAsStringAsync();
        using var right = await browser.Http.PostAsync(ConsoleBrowser.ConsolePath + "/sign-in", ConsoleBrowser.Form(page, ("apiKey", ApiKey)));

        Assert.All(statuses.Take(Limit), status => Assert.Equal(HttpStatusCode.Redirect, status));
        Assert.All(statuses.Skip(Limit), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.True(right.Headers.Contains("Retry-After"));
        Assert.Contains("sign-in-throttled", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(_env.Logs.Events, e => e.EventIdOf() == CredentialsRefused);
    }

    private static async Task<HttpStatusCode> SignInAsync(ConsoleBrowser browser, string key)
    {
        var page = await (await browser.Http.GetAsync(ConsoleBrowser.ConsolePath + "/sign-in")).Content.ReadAsStringAsync();
        using var response = await browser.Http.PostAsync(ConsoleBrowser.ConsolePath + "/sign-in", ConsoleBrowser.Form(page, ("apiKey", key)));
        return response.StatusCode;
    }

    private async Task FailAsync(int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var response = await GetMappingsAsync(_env.Client, "wrong-key-" + i);
        }
    }

    private async Task<HttpResponseMessage> GetMappingsAsync(HttpClient client, string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/mappings?issuer={Uri.EscapeDataString(_env.Keycloak.Issuer)}&clientId={The.ClientId}&sid={The.Sid}");
        request.Headers.Add("X-Api-Key", apiKey);
        return await client.SendAsync(request);
    }

    /// <summary>A client that connects from another loopback address, as a second machine would.</summary>
    private HttpClient FromAddress(IPAddress local)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = _env.Client.BaseAddress };
    }
}
