using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LogoutEnricher.Testing;

internal sealed partial class FakeKeycloakAdmin
{
    private async Task<IResult> AdminAsync(HttpContext context, string path)
    {
        Requests.Enqueue("/" + path + context.Request.QueryString);
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.TryGetValue(header["Bearer ".Length..], out var token)
            || token.ExpiresAt <= DateTimeOffset.UtcNow)
        {
            return Results.Json(new { error = "HTTP 401 Unauthorized" }, statusCode: 401);
        }

        switch (Fault)
        {
            case AdminApiFault.ServerError:
                return Results.Json(new { error = "unknown_error" }, statusCode: 500);
            case AdminApiFault.Timeout:
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.StatusCode(504);
        }

        var query = context.Request.Query;
        var segments = path.Split('/');
        var (role, result) = segments switch
        {
            ["clients"] => ("view-clients", (Func<IResult>)(() => FindClients(query["clientId"]))),
            ["clients", var uuid, "user-sessions"] => ("view-clients", () => ClientSessions(uuid, query)),
            ["clients", var uuid, "session-count"] => ("view-clients", () => Results.Json(new { count = SessionsOfClientUuid(uuid).Count })),
            ["events"] => ("view-events", () => ListEvents(query)),
            ["events", "config"] => ("view-events", () => Results.Json(new { eventsEnabled = EventsEnabled, enabledEventTypes = EnabledEventTypes, adminEventsEnabled = false })),
            ["users"] => ("view-users", () => ListUsers(query)),
            ["users", var id, "sessions"] => ("view-users", () => Users.ContainsKey(id)
                ? SessionsJson([.. Sessions.Where(s => s.Value.UserId == id).Select(s => (s.Key, s.Value.UserId, s.Value.ClientIds, s.Value.Start))])
                : Results.Json(new { error = "User not found" }, statusCode: 404)),
            ["users", var id] => ("view-users", () => Users.TryGetValue(id, out var enabled)
                ? Results.Json(new { id, username = "user-" + id[..4], enabled, emailVerified = true })
                : Results.Json(new { error = "User not found" }, statusCode: 404)),
            _ => ("view-realm", (Func<IResult>)(() => Results.NotFound())),
        };
        return token.Roles.Contains(role) ? result() : Results.Json(new { error = "HTTP 403 Forbidden" }, statusCode: 403);
    }

    private IResult FindClients(string? clientId) =>
        Results.Json(Clients.Values.Where(c => clientId is null || (string?)c["clientId"] == clientId).Select(c => c.DeepClone()).ToArray());

    private List<(string Id, string UserId, string[] ClientIds, long Start)> SessionsOfClientUuid(string uuid)
    {
        var clientId = Clients.Values.FirstOrDefault(c => (string?)c["id"] == uuid)?["clientId"]?.GetValue<string>();
        return [.. Sessions.Where(s => clientId is not null && s.Value.ClientIds.Contains(clientId))
            .Select(s => (s.Key, s.Value.UserId, s.Value.ClientIds, s.Value.Start))
            .OrderBy(s => s.Start).ThenBy(s => s.Key, StringComparer.Ordinal)];
    }

    private IResult ClientSessions(string uuid, IQueryCollection query)
    {
        var (first, max) = Paging(query);
        BeforeClientSessionsPage?.Invoke(first);
        var page = SessionsOfClientUuid(uuid).Skip(first).Take(max).ToList();
        if (Fault == AdminApiFault.ShortPage)
        {
            page = page.Take(page.Count / 2).ToList();
        }

        return SessionsJson(page);
    }

    private IResult SessionsJson(List<(string Id, string UserId, string[] ClientIds, long Start)> page)
    {
        return Results.Json(page.Select(s => new
        {
            id = s.Id,
            username = "user-" + s.UserId[..4],
            userId = s.UserId,
            ipAddress = "127.0.0.1",
            start = s.Start,
            lastAccess = s.Start,
            rememberMe = false,
            clients = s.ClientIds.ToDictionary(c => (string)Clients[c]["id"]!, c => c),
            transientUser = false,
        }));
    }

    private IResult ListEvents(IQueryCollection query)
    {
        var (first, max) = Paging(query);
        long from = 0;
        if (query["dateFrom"].ToString() is { Length: > 0 } dateFrom)
        {
            // Keycloak accepts yyyy-MM-dd or epoch milliseconds.
            from = long.TryParse(dateFrom, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                ? ms
                : DateTimeOffset.ParseExact(dateFrom, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        }

        List<JsonObject> events;
        lock (_gate)
        {
            events = [.. Events.Where(e => (query["type"].Count == 0 || query["type"].Contains((string?)e["type"])) && (long)e["time"]! >= from)];
        }

        // Keycloak's default order is newest first.
        var ordered = query["direction"] == "asc" ? events.OrderBy(e => (long)e["time"]!) : events.OrderByDescending(e => (long)e["time"]!);
        return Results.Json(ordered.Skip(first).Take(max).Select(e => e.DeepClone()).ToArray());
    }

    private IResult ListUsers(IQueryCollection query)
    {
        var (first, max) = Paging(query);
        var enabled = query["enabled"].ToString() is { Length: > 0 } value ? bool.Parse(value) : (bool?)null;
        return Results.Json(Users.Where(u => enabled is null || u.Value == enabled).OrderBy(u => u.Key, StringComparer.Ordinal)
            .Skip(first).Take(max).Select(u => new { id = u.Key, username = "user-" + u.Key[..4], enabled = u.Value }).ToArray());
    }

    private static (int First, int Max) Paging(IQueryCollection query) =>
        (int.TryParse(query["first"], out var first) ? first : 0, int.TryParse(query["max"], out var max) ? max : 100);
}
