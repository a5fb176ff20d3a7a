using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LogoutEnricher.Testing;

/// <summary>A client registered in the fake realm: its secret and the redirect URI prefix it may use.</summary>
internal sealed record FakeKeycloakClient(string ClientId, string Secret, string RedirectUriPrefix);

/// <summary>One SSO user session of the fake realm (Keycloak's <c>UserSessionModel</c>, reduced).</summary>
internal sealed record FakeUserSession(string Sid, string UserName, string Sub, DateTimeOffset Started);

/// <summary>
/// The browser side of the authorization-code flow, answered like Keycloak: <c>/protocol/openid-connect/auth</c> shows a
/// login form (one field, the user name; no password) or, with a live SSO cookie, redirects back at once; the redirect
/// carries <c>state</c>, <c>session_state</c>, <c>iss</c> and <c>code</c> in Keycloak's order.
/// </summary>
internal sealed partial class FakeKeycloak
{
    /// <summary>The SSO cookie (Keycloak's is KEYCLOAK_IDENTITY / KEYCLOAK_SESSION, scoped to the realm path).</summary>
    public const string SessionCookie = "KEYCLOAK_SESSION";

    /// <summary>The realm's users: name → user id (the <c>sub</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> Users = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["alice"] = The.Subject,
        ["bob"] = The.OtherSubject,
    };

    private readonly ConcurrentDictionary<string, (string ClientId, string RedirectUri, string State, string? Nonce, string? Challenge)> _pendingLogins = new();

    /// <summary>The <c>nonce</c> of the authorization request behind a code, echoed in the ID token.</summary>
    private readonly ConcurrentDictionary<string, string> _nonces = new(StringComparer.Ordinal);

    /// <summary>Clients whose credentials and redirect URIs the token and authorization endpoints check; others are not checked.</summary>
    public ConcurrentDictionary<string, FakeKeycloakClient> Clients { get; } = new(StringComparer.Ordinal);

    /// <summary>The live SSO sessions, by sid.</summary>
    public ConcurrentDictionary<string, FakeUserSession> UserSessions { get; } = new(StringComparer.Ordinal);

    public void RegisterClient(string clientId, string secret, Uri redirectUriPrefix) =>
        Clients[clientId] = new FakeKeycloakClient(clientId, secret, redirectUriPrefix.ToString());

    /// <summary>The one live SSO session of <paramref name="userName"/> (the tests log each user in once per browser).</summary>
    public FakeUserSession SessionOf(string userName) => UserSessions.Values.Single(s => s.UserName == userName);

    private static string? UserNameOf(string sub) => Users.FirstOrDefault(u => u.Value == sub).Key;

    private static void MapBrowserLogin(WebApplication app, Func<FakeKeycloak> keycloak)
    {
        app.MapGet($"/realms/{The.Realm}/protocol/openid-connect/auth", (Func<HttpContext, IResult>)(context => keycloak().Authorize(context)));
        app.MapPost($"/realms/{The.Realm}/login-actions/authenticate", (Func<HttpContext, Task<IResult>>)(context => keycloak().AuthenticateAsync(context)));
    }

    private IResult Authorize(HttpContext context)
    {
        var query = context.Request.Query;
        var (clientId, redirectUri, state) = (query["client_id"].ToString(), query["redirect_uri"].ToString(), query["state"].ToString());
        var nonce = query["nonce"].Count > 0 ? query["nonce"].ToString() : null;
        var challenge = query["code_challenge"].Count > 0 ? query["code_challenge"].ToString() : null;
        if (challenge is not null && query["code_challenge_method"] != "S256")
        {
            // Keycloak accepts "plain" too; nothing here sends it, so anything else is a test's mistake made visible.
            return Results.Content("<p>Invalid parameter: code_challenge_method</p>", "text/html", statusCode: 400);
        }

        if (query["response_type"] != "code" || clientId.Length == 0
            || (Clients.TryGetValue(clientId, out var client) && !redirectUri.StartsWith(client.RedirectUriPrefix, StringComparison.Ordinal)))
        {
            return Results.Content("<p>Invalid parameter: redirect_uri</p>", "text/html", statusCode: 400);
        }

        // Single sign-on: a browser that already has a live session here is sent back without a form.
        if (context.Request.Cookies[SessionCookie] is { } sid && UserSessions.TryGetValue(sid, out var session))
        {
            return RedirectWithCode(clientId, redirectUri, state, nonce, challenge, session);
        }

        var loginId = Guid.NewGuid().ToString();
        _pendingLogins[loginId] = (clientId, redirectUri, state, nonce, challenge);
        var action = WebUtility.HtmlEncode($"{Issuer}/login-actions/authenticate?session_code={loginId}&client_id={Uri.EscapeDataString(clientId)}");
        return Results.Content(
            $"<form id=\"kc-form-login\" method=\"post\" action=\"{action}\"><input name=\"username\"><input type=\"submit\"></form>",
            "text/html");
    }

    private async Task<IResult> AuthenticateAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        if (!_pendingLogins.TryRemove(context.Request.Query["session_code"].ToString(), out var login)
            || !Users.TryGetValue(form["username"].ToString(), out var sub))
        {
            return Results.Content("<p>Invalid username or password.</p>", "text/html", statusCode: 400);
        }

        var session = new FakeUserSession(Guid.NewGuid().ToString(), form["username"].ToString(), sub, DateTimeOffset.UtcNow);
        UserSessions[session.Sid] = session;
        context.Response.Cookies.Append(SessionCookie, session.Sid, new CookieOptions { Path = $"/realms/{The.Realm}/", HttpOnly = true });
        return RedirectWithCode(login.ClientId, login.RedirectUri, login.State, login.Nonce, login.Challenge, session);
    }

    private IResult RedirectWithCode(string clientId, string redirectUri, string state, string? nonce, string? challenge, FakeUserSession session)
    {
        var code = IssueCode(clientId, session.Sub, session.Sid);
        if (nonce is not null)
        {
            _nonces[code] = nonce;
        }

        if (challenge is not null)
        {
            _codeChallenges[code] = challenge;
        }

        var separator = redirectUri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return Results.Redirect($"{redirectUri}{separator}state={Uri.EscapeDataString(state)}&session_state={session.Sid}"
            + $"&iss={Uri.EscapeDataString(Issuer)}&code={Uri.EscapeDataString(code)}");
    }

    private bool ClientAuthenticated(HttpContext context, Dictionary<string, string> form, string clientId)
    {
        if (!Clients.TryGetValue(clientId, out var client))
        {
            return true;
        }

        // client_secret_basic (what keycloak-connect sends) or client_secret_post.
        var secret = form.GetValueOrDefault("client_secret");
        if (context.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..])).Split(':', 2);
            secret = decoded.Length == 2 && Uri.UnescapeDataString(decoded[0]) == clientId ? Uri.UnescapeDataString(decoded[1]) : null;
        }

        return secret == client.Secret;
    }
}
