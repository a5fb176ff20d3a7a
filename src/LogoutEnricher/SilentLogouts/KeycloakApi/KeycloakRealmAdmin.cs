using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;
using LogoutEnricher.Diagnostics;

namespace LogoutEnricher.SilentLogouts.KeycloakApi;

/// <summary>
/// Read calls to one realm's Admin REST API (<c>/admin/realms/{realm}</c>) with the service account's bearer token.
/// A 401 renews the token once and tries again; a second 401, a 403, a 5xx or a timeout throw
/// <see cref="KeycloakAdminException"/>, which callers take as "no decision".
/// </summary>
internal sealed partial class KeycloakRealmAdmin(KeycloakRealmSettings settings, KeycloakAdminTransport transport, ServiceAccountToken token, ILogger logger)
{
    /// <summary>Keycloak's default and the page size used here unless told otherwise.</summary>
    public const int DefaultPageSize = 100;

    public KeycloakRealmSettings Settings { get; } = settings;

    /// <summary><c>GET /clients?clientId=X</c> (exact match): the client, or null when Keycloak has none by that id.</summary>
    public async Task<ClientRepresentation?> FindClientAsync(string clientId, CancellationToken cancellationToken)
    {
        var clients = await GetAsync($"/clients?clientId={Uri.EscapeDataString(clientId)}", "/clients?clientId=", "view-clients",
            KeycloakAdminJsonContext.Default.ClientRepresentationArray, cancellationToken);
        return clients!.FirstOrDefault(c => c.ClientId == clientId);
    }

    /// <summary><c>GET /clients/{uuid}/user-sessions?first=&amp;max=</c>.</summary>
    public async Task<UserSessionRepresentation[]> GetUserSessionsAsync(string clientUuid, int first, int max, CancellationToken cancellationToken) =>
        (await GetAsync($"/clients/{Uri.EscapeDataString(clientUuid)}/user-sessions?first={first.ToString(CultureInfo.InvariantCulture)}&max={max.ToString(CultureInfo.InvariantCulture)}",
            "/clients/{uuid}/user-sessions", "view-clients", KeycloakAdminJsonContext.Default.UserSessionRepresentationArray, cancellationToken))!;

    /// <summary><c>GET /clients/{uuid}/session-count</c>.</summary>
    public async Task<long> GetSessionCountAsync(string clientUuid, CancellationToken cancellationToken) =>
        (await GetAsync($"/clients/{Uri.EscapeDataString(clientUuid)}/session-count", "/clients/{uuid}/session-count", "view-clients",
            KeycloakAdminJsonContext.Default.SessionCount, cancellationToken))!.Count;

    /// <summary><c>GET /events?type=&amp;dateFrom=&lt;epoch ms&gt;&amp;first=&amp;max=&amp;direction=asc</c>, oldest first.</summary>
    public async Task<EventRepresentation[]> GetEventsAsync(string type, long dateFromMs, int first, int max, CancellationToken cancellationToken) =>
        (await GetAsync(FormattableString.Invariant($"/events?type={type}&dateFrom={dateFromMs}&first={first}&max={max}&direction=asc"),
            "/events", "view-events", KeycloakAdminJsonContext.Default.EventRepresentationArray, cancellationToken))!;

    /// <summary><c>GET /events/config</c>.</summary>
    public async Task<RealmEventsConfigRepresentation> GetEventsConfigAsync(CancellationToken cancellationToken) =>
        (await GetAsync("/events/config", "/events/config", "view-events", KeycloakAdminJsonContext.Default.RealmEventsConfigRepresentation, cancellationToken))!;

    /// <summary><c>GET /users/{id}</c>: the user, or null when Keycloak answers 404 (the user was deleted).</summary>
    public Task<UserRepresentation?> FindUserAsync(string userId, CancellationToken cancellationToken) =>
        GetAsync($"/users/{Uri.EscapeDataString(userId)}", "/users/{id}", "view-users", KeycloakAdminJsonContext.Default.UserRepresentation, cancellationToken, notFoundIsNull: true);

    /// <summary><c>GET /users/{id}/sessions</c> (not paged): the user's sessions, or null when the user is gone (404).</summary>
    public Task<UserSessionRepresentation[]?> GetSessionsOfUserAsync(string userId, CancellationToken cancellationToken) =>
        GetAsync($"/users/{Uri.EscapeDataString(userId)}/sessions", "/users/{id}/sessions", "view-users",
            KeycloakAdminJsonContext.Default.UserSessionRepresentationArray, cancellationToken, notFoundIsNull: true);

    /// <summary><c>GET /users?enabled=false&amp;briefRepresentation=true&amp;first=&amp;max=</c>: disabled users, a page.</summary>
    public async Task<UserRepresentation[]> GetDisabledUsersAsync(int first, int max, CancellationToken cancellationToken) =>
        (await GetAsync(FormattableString.Invariant($"/users?enabled=false&briefRepresentation=true&first={first}&max={max}"),
            "/users?enabled=false", "view-users", KeycloakAdminJsonContext.Default.UserRepresentationArray, cancellationToken))!;

    private async Task<T?> GetAsync<T>(string pathAndQuery, string what, string role, JsonTypeInfo<T> type, CancellationToken cancellationToken, bool notFoundIsNull = false)
        where T : class
    {
        var url = Settings.AdminBase + pathAndQuery;
        for (var attempt = 1; ; attempt++)
        {
            var bearer = await token.GetAsync(cancellationToken);
            using var response = await transport.SendAsync(() => Request(url, bearer), what, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 1)
            {
                // Note: a token Keycloak no longer accepts (expired early, revoked, Keycloak restarted): one renewal.
                token.Invalidate(bearer);
                continue;
            }

            if (response.IsSuccessStatusCode)
            {
                return await transport.ReadJsonAsync(response, type, what, cancellationToken);
            }

            if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            throw Failure((int)response.StatusCode, what, role);
        }
    }

    private static HttpRequestMessage Request(string url, string bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private KeycloakAdminException Failure(int status, string what, string role)
    {
        var advice = status switch
        {
            401 => "a freshly renewed service-account token was refused too: check the client and its secret",
            403 => $"the service account lacks the realm-management role {role} (Clients > {Settings.ClientId} > Service accounts roles > Assign role)",
            _ => "Keycloak failed; nothing is decided on this answer",
        };
        LogAdminCallFailed(logger, Settings.Realm, what, status, advice);
        return new KeycloakAdminException($"Keycloak (realm '{Settings.Realm}') answered {what} with HTTP {status}: {advice}.", status);
    }

    [LoggerMessage(EventId = EventIds.AdminApiCallFailed, EventName = nameof(EventIds.AdminApiCallFailed), Level = LogLevel.Warning,
        Message = "Keycloak Admin API of realm {Realm} answered {Request} with HTTP {StatusCode}: {Advice}")]
    private static partial void LogAdminCallFailed(ILogger logger, string realm, string request, int statusCode, string advice);
}
