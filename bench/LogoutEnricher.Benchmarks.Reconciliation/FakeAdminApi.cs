using System.Globalization;
using System.Text;

namespace LogoutEnricher.Benchmarks.Reconciliation;

/// <summary>
/// The Admin API side of the benchmark, run in its own process so that its CPU is not counted as LogoutEnricher's:
/// Keycloak's paths and shapes, sessions generated on the fly (client c holds sessions s{c}-{i}).
/// </summary>
internal static class FakeAdminApi
{
    public static async Task RunAsync(int port, int perClient, int clients)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/realms/bench/protocol/openid-connect/token", () => Results.Json(new { access_token = "bench-token", expires_in = 300, token_type = "Bearer" }));
        app.MapGet("/admin/realms/bench/clients", (string clientId) =>
            Results.Json(new[] { new { id = "uuid-" + clientId, clientId, frontchannelLogout = false, adminUrl = "", enabled = true } }));
        app.MapGet("/admin/realms/bench/clients/{uuid}/session-count", (string uuid) => Results.Json(new { count = perClient }));
        app.MapGet("/admin/realms/bench/clients/{uuid}/user-sessions", (string uuid, int? first, int? max) =>
        {
            var client = uuid["uuid-client-".Length..];
            var from = first ?? 0;
            var to = Math.Min(perClient, from + (max ?? 100));
            var json = new StringBuilder(256 * Math.Max(0, to - from)).Append('[');
            for (var i = from; i < to; i++)
            {
                json.Append(i == from ? "" : ",").Append(CultureInfo.InvariantCulture,
                    $$"""{"id":"s{{client}}-{{i:D7}}","username":"user{{i}}","userId":"u{{client}}-{{i:D7}}","ipAddress":"10.0.0.1","start":1764669600000,"lastAccess":1764669600000,"rememberMe":false,"clients":{"{{uuid}}":"client-{{client}}"},"transientUser":false}""");
            }

            return Results.Text(json.Append(']').ToString(), "application/json");
        });
        app.MapGet("/admin/realms/bench/users", () => Results.Json(Array.Empty<object>()));
        app.MapGet("/admin/realms/bench/events", () => Results.Json(Array.Empty<object>()));
        await app.RunAsync();
    }
}
