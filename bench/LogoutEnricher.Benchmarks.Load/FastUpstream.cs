using System.Text;
using System.Text.Json.Nodes;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LogoutEnricher.Benchmarks.Load;

/// <summary>
/// A token endpoint that answers at once: Keycloak's response shape with an ID token and access token signed once at
/// startup, and <c>session_state</c> set to the request's <c>code</c>, so the load generator chooses each session id.
/// </summary>
internal sealed class FastUpstream(WebApplication app) : IAsyncDisposable
{
    public Uri BaseUrl { get; } = KestrelHost.AddressOf(app.Services);

    public static string TokenPath => $"/realms/{The.Realm}/protocol/openid-connect/token";

    public static async Task<FastUpstream> StartAsync(FakeKeycloak keycloak, string clientId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        JsonObject Claims(string typ, string aud) => new()
        {
            ["exp"] = now + 36_000, ["iat"] = now, ["jti"] = Guid.NewGuid().ToString(), ["iss"] = keycloak.Issuer, ["aud"] = aud,
            ["sub"] = The.Subject, ["typ"] = typ, ["azp"] = clientId, ["sid"] = The.Sid, ["scope"] = "openid profile email",
        };
        var idToken = keycloak.Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = FakeKeycloak.SigningKeyId }, Claims("ID", clientId));
        var accessToken = keycloak.Sign(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = FakeKeycloak.SigningKeyId }, Claims("Bearer", "account"));
        var head = Encoding.UTF8.GetBytes($$"""{"access_token":"{{accessToken}}","expires_in":300,"refresh_expires_in":1800,"refresh_token":"refresh-opaque","token_type":"Bearer","id_token":"{{idToken}}","not-before-policy":0,"scope":"openid profile email","session_state":" """.TrimEnd());
        var tail = "\"}"u8.ToArray();

        var app = await KestrelHost.StartAsync(a => a.MapPost(TokenPath, async context =>
        {
            var form = await context.Request.ReadFormAsync();
            var sid = Encoding.UTF8.GetBytes(form["code"].ToString());
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = head.Length + sid.Length + tail.Length;
            await context.Response.Body.WriteAsync(head);
            await context.Response.Body.WriteAsync(sid);
            await context.Response.Body.WriteAsync(tail);
        }));
        return new FastUpstream(app);
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}

/// <summary>An application whose logout endpoint reads the body and answers 200 at once; counts what it received.</summary>
internal sealed class FastApplication(WebApplication app, Counter counter) : IAsyncDisposable
{
    public string LogoutUrl { get; } = $"{KestrelHost.AddressOf(app.Services)}logout";

    public long Received => Interlocked.Read(ref counter.Value);

    public static async Task<FastApplication> StartAsync()
    {
        var counter = new Counter();
        var app = await KestrelHost.StartAsync(a => a.MapPost("/logout", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            Interlocked.Increment(ref counter.Value);
            return Results.Ok();
        }));
        return new FastApplication(app, counter);
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}

internal sealed class Counter
{
    public long Value;
}
