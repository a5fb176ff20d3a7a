using System.Collections.Concurrent;
using System.Text.Json;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.Benchmarks.Burst;

/// <summary>
/// An application that counts the app session ids it is told to end. A flaky one answers 503 to a share of the
/// requests without looking at them, as an application in the middle of a restart would.
/// </summary>
internal sealed class CountingApplication(WebApplication app, double failureRate) : IAsyncDisposable
{
    public string LogoutUrl { get; } = $"{KestrelHost.AddressOf(app.Services)}logout";

    public double FailureRate => failureRate;

    /// <summary>How often each id was received with a 2xx answer.</summary>
    public ConcurrentDictionary<string, int> Delivered { get; } = new(StringComparer.Ordinal);

    public int Rejected;

    public static async Task<CountingApplication> StartAsync(double failureRate)
    {
        CountingApplication? counting = null;
        var app = await KestrelHost.StartAsync(a => a.MapPost("/logout", (Func<HttpContext, Task<IResult>>)(context => counting!.HandleAsync(context))));
        counting = new CountingApplication(app, failureRate);
        return counting;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        if (Random.Shared.NextDouble() < failureRate)
        {
            Interlocked.Increment(ref Rejected);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var form = await context.Request.ReadFormAsync();
        var payload = form["logout_token"].ToString().Split('.')[1];
        using var claims = JsonDocument.Parse(Base64UrlEncoder.Decode(payload));
        foreach (var id in claims.RootElement.GetProperty("adapterSessionIds").EnumerateArray())
        {
            Delivered.AddOrUpdate(id.GetString()!, 1, (_, count) => count + 1);
        }

        return Results.Ok();
    }
}
