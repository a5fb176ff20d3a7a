using System.Net.Http.Headers;
using System.Text.Json;
using DemoApp;
using Microsoft.IdentityModel.JsonWebTokens;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>An SSO session at Keycloak: its id (sid) and a refresh token of the client that opened it.</summary>
internal sealed record SsoSession(string Sid, string Subject, string RefreshToken);

/// <summary>
/// Keycloak without a browser (KEYCLOAK.md): a password grant opens the SSO session, then a refresh_token grant
/// through LogoutEnricher carries <c>client_session_state</c>, exactly as an application's code exchange would.
/// </summary>
internal sealed class KeycloakLogin(KeycloakEnvironment environment) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task<SsoSession> PasswordGrantAsync(string clientId, string user)
    {
        using var body = await PostAsync(new Uri(environment.BaseUrl, "realms/demo/protocol/openid-connect/token"), new()
        {
            ["grant_type"] = "password", ["client_id"] = clientId, ["client_secret"] = clientId + "-secret",
            ["username"] = user, ["password"] = user, ["scope"] = "openid",
        });
        var idToken = new JsonWebToken(body.RootElement.GetProperty("id_token").GetString());
        return new SsoSession(body.RootElement.GetProperty("session_state").GetString()!, idToken.Subject, body.RootElement.GetProperty("refresh_token").GetString()!);
    }

    /// <summary>Registers a new local session in <paramref name="app"/> and names it to LogoutEnricher; returns its id.</summary>
    public async Task<string> OpenLocalSessionAsync(DemoAppInstance app, SsoSession session)
    {
        var localSession = LocalSessionRegistry.NewId();
        app.Sessions.Add(new LocalSession(localSession, session.Subject, "alice", DateTimeOffset.UtcNow));
        using var _ = await PostAsync(new Uri(environment.SidecarUrl, "realms/demo/protocol/openid-connect/token"), new()
        {
            ["grant_type"] = "refresh_token", ["client_id"] = app.ClientId, ["client_secret"] = app.ClientId + "-secret",
            ["refresh_token"] = session.RefreshToken, ["client_session_state"] = localSession,
        });
        return localSession;
    }

    /// <summary>The application's logout request at Keycloak's logout endpoint (with its refresh token).</summary>
    public async Task LogOutAsync(string clientId, SsoSession session)
    {
        using var response = await _http.PostAsync(new Uri(environment.BaseUrl, "realms/demo/protocol/openid-connect/logout"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = clientId, ["client_secret"] = clientId + "-secret", ["refresh_token"] = session.RefreshToken,
        }));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>An administrator ends the SSO session: DELETE /admin/realms/demo/sessions/{sid}.</summary>
    public async Task DeleteSessionAsAdminAsync(SsoSession session)
    {
        using var admin = await PostAsync(new Uri(environment.BaseUrl, "realms/master/protocol/openid-connect/token"), new()
        {
            ["grant_type"] = "password", ["client_id"] = "admin-cli", ["username"] = "admin", ["password"] = "admin",
        });
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(environment.BaseUrl, $"admin/realms/demo/sessions/{session.Sid}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.RootElement.GetProperty("access_token").GetString());
        using var response = await _http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonDocument> PostAsync(Uri url, Dictionary<string, string> form)
    {
        using var response = await _http.PostAsync(url, new FormUrlEncodedContent(form));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} from {url}: {text}");
        return JsonDocument.Parse(text);
    }
}
