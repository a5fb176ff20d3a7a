using System.Collections.Concurrent;
using System.Text.Json;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>A <c>LogoutAction</c> as the legacy receiver saw it, with the verdict of each check the old adapter made.</summary>
internal sealed record ReceivedLogoutAction(string ContentType, bool SignatureValid, bool NotExpired, bool ResourceMatches, bool IsLogout, string[] AdapterSessionIds, JsonWebToken Token);

/// <summary>
/// An application written for Keycloak's old adapters: its Admin URL receives <c>POST {adminUrl}/k_logout</c> with the
/// compact JWS of a <c>LogoutAction</c> as a text/plain body. It checks what the adapter's <c>AdminActionsHandler</c>
/// checked, in that order: the signature (here against LogoutEnricher's JWKS instead of the realm key), that the action
/// has not expired, that <c>resource</c> is its client id and <c>action</c> is LOGOUT; then it ends the listed sessions.
/// </summary>
internal sealed class FakeLegacyApplication(string clientId, WebApplication app) : IAsyncDisposable
{
    public Uri BaseUrl { get; } = KestrelHost.AddressOf(app.Services);

    /// <summary>What an operator configures as the client's Admin URL; the sidecar appends <c>/k_logout</c>.</summary>
    public string AdminUrl => $"{BaseUrl}admin";

    public Uri? JwksAddress { get; set; }

    public ConcurrentQueue<ReceivedLogoutAction> Received { get; } = new();

    public static async Task<FakeLegacyApplication> StartAsync(string clientId)
    {
        FakeLegacyApplication? legacy = null;
        var app = await KestrelHost.StartAsync(a =>
        {
            a.MapPost("/admin/k_logout", (Func<HttpContext, Task<IResult>>)(context => legacy!.HandleAsync(context)));
            a.MapPost("/admin/k_push_not_before", (Func<HttpContext, Task<IResult>>)(context => legacy!.HandleAsync(context)));
        });
        legacy = new FakeLegacyApplication(clientId, app);
        return legacy;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        using var http = new HttpClient();
        var jwks = new JsonWebKeySet(await http.GetStringAsync(JwksAddress));
        var signature = await new JsonWebTokenHandler().ValidateTokenAsync(body, new TokenValidationParameters
        {
            // Note: a LogoutAction has no iss, aud or exp claim; the adapter checked its own fields instead (below).
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = ["RS256", "PS256", "ES256"],
        });
        var token = new JsonWebToken(body);
        var expiration = token.TryGetPayloadValue<long>("expiration", out var seconds) ? seconds : 0;
        var action = new ReceivedLogoutAction(
            context.Request.ContentType ?? "",
            signature.IsValid,
            expiration > DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            token.TryGetPayloadValue<string>("resource", out var resource) && resource == clientId,
            token.TryGetPayloadValue<string>("action", out var name) && name == (context.Request.Path.Value!.EndsWith("/k_push_not_before", StringComparison.Ordinal) ? "PUSH_NOT_BEFORE" : "LOGOUT"),
            token.TryGetPayloadValue<JsonElement>("adapterSessionIds", out var ids) ? [.. ids.EnumerateArray().Select(i => i.GetString()!)] : [],
            token);
        Received.Enqueue(action);
        var accepted = action.SignatureValid && action.NotExpired && action.ResourceMatches && action.IsLogout;
        return Results.StatusCode(accepted ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized);
    }
}
