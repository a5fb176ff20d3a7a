using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.Testing;

/// <summary>A logout token as the application received and verified it.</summary>
internal sealed record ReceivedLogout(bool Valid, string? Error, JsonWebToken Token, DateTimeOffset At)
{
    public string[] AdapterSessionIds =>
        Token.TryGetPayloadValue<JsonElement>("adapterSessionIds", out var ids) ? ids.EnumerateArray().Select(i => i.GetString()!).ToArray() : [];
}

/// <summary>
/// An application receiving enriched back-channel logouts. It verifies every token the way an application should,
/// with a standard library (Microsoft.IdentityModel) against LogoutEnricher's published JWKS: signature, issuer,
/// audience, <c>typ: logout+jwt</c>, lifetime.
/// </summary>
internal sealed class FakeApplication : IAsyncDisposable
{
    private readonly string _clientId;
    private WebApplication? _app;
    private int _inFlight;
    private int _peakInFlight;

    private FakeApplication(string clientId) => _clientId = clientId;

    public Uri BaseUrl { get; private set; } = null!;

    public string LogoutUrl => $"{BaseUrl}logout";

    /// <summary>Where the application fetches LogoutEnricher's JWKS; set once the sidecar runs.</summary>
    public Uri? JwksAddress { get; set; }

    public string? ExpectedIssuer { get; set; }

    /// <summary>The status the application answers with. Default 200.</summary>
    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    /// <summary>Sent as <c>Retry-After</c> (seconds) with every answer when set. Default none.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>How long the application takes to answer (a slow application). Default none.</summary>
    public TimeSpan Delay { get; set; }

    public ConcurrentQueue<ReceivedLogout> Received { get; } = new();

    /// <summary>Logout requests being answered right now (inside <see cref="Delay"/>).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most logout requests that were being answered at one moment (inside <see cref="Delay"/>).</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>The W3C <c>traceparent</c> header of each logout request, as it arrived.</summary>
    public ConcurrentQueue<string> Traceparents { get; } = new();

    /// <summary>Every app session id named in a valid token received so far, duplicates included.</summary>
    public IEnumerable<string> ReceivedIds => Received.Where(r => r.Valid).SelectMany(r => r.AdapterSessionIds);

    /// <summary>Waits until <paramref name="condition"/> holds (queued delivery happens after the provider got 200).</summary>
    public async Task WaitUntilAsync(Func<FakeApplication, bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition(this))
        {
            await Task.Delay(50, cts.Token);
        }
    }

    public Task WaitForAsync(int count, TimeSpan? timeout = null) =>
        WaitUntilAsync(app => app.Received.Count >= count, timeout ?? TimeSpan.FromSeconds(15));

    public static async Task<FakeApplication> StartAsync(string clientId)
    {
        var application = new FakeApplication(clientId);
        await application.StartAsync(0);
        return application;
    }

    /// <summary>Takes the application off the network (connections are refused) until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        await _app!.DisposeAsync();
        _app = null;
    }

    public Task RestartAsync() => StartAsync(BaseUrl.Port);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task StartAsync(int port)
    {
        _app = await KestrelHost.StartAsync(app => app.MapPost("/logout", (Func<HttpContext, Task<IResult>>)HandleAsync), port);
        BaseUrl = KestrelHost.AddressOf(_app.Services);
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        var at = DateTimeOffset.UtcNow;
        var form = await context.Request.ReadFormAsync();
        var token = form["logout_token"].ToString();
        using var http = new HttpClient();
        var jwks = new JsonWebKeySet(await http.GetStringAsync(JwksAddress));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = ExpectedIssuer,
            ValidAudience = _clientId,
            ValidTypes = ["logout+jwt"],
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = ["RS256", "PS256", "ES256"],
        });
        if (Delay > TimeSpan.Zero)
        {
            var now = Interlocked.Increment(ref _inFlight);
            for (var peak = Volatile.Read(ref _peakInFlight); now > peak; peak = Volatile.Read(ref _peakInFlight))
            {
                Interlocked.CompareExchange(ref _peakInFlight, now, peak);
            }

            try
            {
                await Task.Delay(Delay);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        Traceparents.Enqueue(context.Request.Headers.TraceParent.ToString());
        Received.Enqueue(new ReceivedLogout(result.IsValid, result.Exception?.Message, new JsonWebToken(token), at));
        if (RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Results.StatusCode(result.IsValid ? StatusCode : StatusCodes.Status400BadRequest);
    }
}
