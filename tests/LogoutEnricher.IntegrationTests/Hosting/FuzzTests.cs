using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LogoutEnricher.IntegrationTests.Fuzz;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// The logout route sits on a network edge anyone can POST to: whatever arrives, the answer is a 400 (or 413) with an
/// OAuth error body, never a 500, and the process stays healthy. Every other route, and a provider that answers badly,
/// get the same treatment: no 5xx that LogoutEnricher originated (see FuzzTests.EveryRoute.cs).
/// </summary>
public sealed partial class FuzzTests : IAsyncLifetime
{
    private const int Seed = 20260707;
    private const int RequestCount = 10_000;
    private static readonly string[] Kinds = ["random-bytes", "content-type", "broken-form", "mangled-jwt", "signed-defective"];

    private TestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await TestEnvironment.StartAsync(settings =>
    {
        settings["LogoutEnricher:RateLimiting:Logout:PermitsPerSecond"] = "0";
        settings["Serilog:MinimumLevel:Default"] = "Error";
        settings["LogoutEnricher:Admin:Enabled"] = "true";
        settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(AdminApiKey)));
        // Note: the fuzz sends wrong keys from one address and must still reach what the right key opens; the
        // throttling of wrong keys is CredentialThrottlingTests' subject.
        settings["LogoutEnricher:Admin:FailedCredentials:Limit"] = "0";
        // Every route there is: front-door forwarding of other paths (and with it the realm key set).
        settings["LogoutEnricher:Upstream:FrontDoor"] = "true";
    });

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task Logout_TenThousandMalformedAndMutatedRequests_AllAnswered400Or413WithErrorBodyAndProcessStaysHealthy()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);
        var fuzzer = new LogoutRequestFuzzer(_env.Keycloak, Seed);
        var requests = Enumerable.Range(0, RequestCount).Select(_ => fuzzer.Next()).ToArray();
        var failures = new ConcurrentQueue<string>();
        var byKind = new ConcurrentDictionary<string, int>();

        await Parallel.ForAsync(0, requests.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, cancellationToken) =>
        {
            var request = requests[i];
            byKind.AddOrUpdate(request.Kind, 1, (_, n) => n + 1);
            HttpResponseMessage response;
            try
            {
                response = await _env.Client.SendAsync(ToMessage(request), cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                failures.Enqueue($"#{i} {request.Kind} ({request.Body.Length} bytes, {request.ContentType}): {exception.Message} {exception.InnerException?.Message}");
                return;
            }

            using var disposable = response;
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge) || !IsOAuthError(body))
            {
                failures.Enqueue($"#{i} {request.Kind}: {(int)response.StatusCode} {body[..Math.Min(200, body.Length)]} <- {Describe(request)}");
            }
        });

        Assert.True(failures.IsEmpty, $"{failures.Count} of {RequestCount} unexpected answers, e.g.:\n{string.Join('\n', failures.Take(10))}");
        Assert.All(Kinds, kind => Assert.True(byKind.GetValueOrDefault(kind) > 500, kind));
        using var live = await _env.Client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Empty(_env.App.Received);

        // The mapping survived the storm: a real logout still delivers the session.
        using var logout = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().Sign());
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal([The.AppSessionId], Assert.Single(_env.App.Received).AdapterSessionIds);
    }

    private static HttpRequestMessage ToMessage(FuzzRequest request)
    {
        HttpContent content = request.Chunked ? new StreamContent(new NonSeekableStream(request.Body)) : new ByteArrayContent(request.Body);
        if (request.ContentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }

        return new HttpRequestMessage(HttpMethod.Post, "/backchannel-logout") { Content = content };
    }

    /// <summary>The request as a reader can follow it: the token's decoded header and payload when there is one.</summary>
    private static string Describe(FuzzRequest request)
    {
        var text = System.Text.Encoding.UTF8.GetString(request.Body);
        var token = Uri.UnescapeDataString(text.StartsWith("logout_token=", StringComparison.Ordinal) ? text[13..] : text).Split('.');
        var described = token.Length == 3 && Base64UrlOrEmpty(token[0]) is { Length: > 0 } header ? $"{header} {Base64UrlOrEmpty(token[1])}" : text;
        return described[..Math.Min(600, described.Length)];
    }

    private static string Base64UrlOrEmpty(string segment)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(segment));
        }
        catch (FormatException)
        {
            return "";
        }
    }

    private static bool IsOAuthError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                && document.RootElement.TryGetProperty("error_description", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A body of unknown length, so HttpClient sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
