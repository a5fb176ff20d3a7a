using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LogoutEnricher.Testing;

/// <summary>How the fake Admin API misbehaves, for the "never on doubt" tests.</summary>
public enum AdminApiFault
{
    None,

    /// <summary>Every Admin API request answers 500.</summary>
    ServerError,

    /// <summary>Every Admin API request hangs far beyond LogoutEnricher's timeout.</summary>
    Timeout,

    /// <summary>User-session pages hold only half of what they should (no error).</summary>
    ShortPage,
}

/// <summary>
/// Keycloak's Admin REST API for one realm, reduced to what LogoutEnricher reads, with Keycloak's exact paths
/// (<c>/admin/realms/{realm}/...</c>), the service-account token from <c>/realms/{realm}/protocol/openid-connect/token</c>
/// (client_credentials; opaque tokens that expire and then answer 401), the realm-management role each path needs
/// (403 without it), paging with <c>first</c>/<c>max</c> (default 100) and the representations of KEYCLOAK.md.
/// </summary>
internal sealed partial class FakeKeycloakAdmin : IAsyncDisposable
{
    public const string ServiceAccountClientId = "logoutenricher-admin";
    public const string ServiceAccountSecret = "logoutenricher-admin-secret";
    public static readonly string[] AllRoles = ["view-users", "view-clients", "view-events", "view-realm"];

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (DateTimeOffset ExpiresAt, string[] Roles)> _tokens = new();
    private readonly Lock _gate = new();

    private FakeKeycloakAdmin(WebApplication app)
    {
        _app = app;
        BaseUrl = KestrelHost.AddressOf(app.Services);
    }

    public Uri BaseUrl { get; }

    /// <summary>The realm-management roles the service account holds. Default: all four LogoutEnricher needs.</summary>
    public string[] ServiceAccountRoles { get; set; } = AllRoles;

    /// <summary>Lifetime of issued tokens (Keycloak's default access token lifespan is 5 min).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public AdminApiFault Fault { get; set; }

    /// <summary>Runs before a page of <c>/clients/{uuid}/user-sessions</c> is served, with its <c>first</c>: sessions that
    /// come and go while LogoutEnricher walks the pages, as in a busy realm.</summary>
    public Action<int>? BeforeClientSessionsPage { get; set; }

    public int TokenRequests;

    /// <summary>Every Admin API request (path and query), in order; the token requests are counted apart.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Clients by clientId: id (uuid), frontchannelLogout, adminUrl, attributes.</summary>
    public ConcurrentDictionary<string, JsonObject> Clients { get; } = new();

    /// <summary>Users by id: enabled.</summary>
    public ConcurrentDictionary<string, bool> Users { get; } = new();

    /// <summary>User sessions by id: the user and the client ids holding a client session in it.</summary>
    public ConcurrentDictionary<string, (string UserId, string[] ClientIds, long Start)> Sessions { get; } = new();

    public List<JsonObject> Events { get; } = [];

    public bool EventsEnabled { get; set; }

    public List<string> EnabledEventTypes { get; } = [];

    public static async Task<FakeKeycloakAdmin> StartAsync()
    {
        FakeKeycloakAdmin? fake = null;
        var app = await KestrelHost.StartAsync(app =>
        {
            app.MapPost($"/realms/{The.Realm}/protocol/openid-connect/token", (Func<HttpContext, Task<IResult>>)(context => fake!.TokenAsync(context)));
            app.MapGet($"/admin/realms/{The.Realm}/{{**path}}", (Func<HttpContext, string, Task<IResult>>)((context, path) => fake!.AdminAsync(context, path)));
        });
        fake = new FakeKeycloakAdmin(app);
        return fake;
    }

    /// <summary>Makes every token issued so far expire now, as after a Keycloak restart or a lifespan change.</summary>
    public void ExpireTokens()
    {
        foreach (var token in _tokens.Keys)
        {
            _tokens[token] = (DateTimeOffset.MinValue, _tokens[token].Roles);
        }
    }

    public int RequestsTo(string pathStart) => Requests.Count(r => r.StartsWith(pathStart, StringComparison.Ordinal));

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> TokenAsync(HttpContext context)
    {
        Interlocked.Increment(ref TokenRequests);
        var form = await context.Request.ReadFormAsync();
        if (form["grant_type"] != "client_credentials" || form["client_id"] != ServiceAccountClientId || form["client_secret"] != ServiceAccountSecret)
        {
            return Results.Json(new { error = "unauthorized_client", error_description = "Invalid client or Invalid client credentials" }, statusCode: 401);
        }

        var token = $"kc-admin-{Guid.NewGuid():N}";
        _tokens[token] = (DateTimeOffset.UtcNow + TokenLifetime, ServiceAccountRoles);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["expires_in"] = (int)TokenLifetime.TotalSeconds,
            ["refresh_expires_in"] = 0,
            ["token_type"] = "Bearer",
            ["not-before-policy"] = 0,
            ["scope"] = "profile email",
        });
    }
}
