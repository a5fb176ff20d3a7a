using System.Text.Json.Nodes;

namespace LogoutEnricher.Testing;

internal sealed partial class FakeKeycloakAdmin
{
    /// <summary>Replaces clients and event settings with those of a realm export (the shape of keycloak-realm.json).</summary>
    public void Import(JsonObject export)
    {
        Clients.Clear();
        foreach (var client in export["clients"]!.AsArray().Select(c => c!.AsObject()))
        {
            var copy = client.DeepClone().AsObject();
            copy["id"] ??= Guid.NewGuid().ToString();
            Clients[(string)copy["clientId"]!] = copy;
        }

        EventsEnabled = (bool?)export["eventsEnabled"] ?? false;
        EnabledEventTypes.Clear();
        EnabledEventTypes.AddRange(export["enabledEventTypes"]?.AsArray().Select(t => (string)t!) ?? []);
    }

    /// <summary>A user session holding client sessions of <paramref name="clientIds"/>, as a login would leave it.</summary>
    public void AddSession(string sid, string userId, params string[] clientIds) =>
        AddSessionStartedAt(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), sid, userId, clientIds);

    /// <summary>As <see cref="AddSession"/>, started at <paramref name="start"/> (epoch ms): listings are ordered by start.</summary>
    public void AddSessionStartedAt(long start, string sid, string userId, params string[] clientIds)
    {
        Users.TryAdd(userId, true);
        Sessions[sid] = (userId, clientIds, start);
    }

    /// <summary>What Keycloak's expiration cleanup does since 26.5: the session goes and USER_SESSION_DELETED is stored.</summary>
    public void ExpireSession(string sid, long? at = null)
    {
        Sessions.TryRemove(sid, out var session);
        AddEvent("USER_SESSION_DELETED", sid, session.UserId, at, new JsonObject { ["reason"] = "expired" });
    }

    public void AddEvent(string type, string sid, string? userId, long? at = null, JsonObject? details = null)
    {
        lock (_gate)
        {
            Events.Add(new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["time"] = at ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ["type"] = type,
                ["realmId"] = "realm-uuid-" + The.Realm,
                ["userId"] = userId,
                ["sessionId"] = sid,
                ["ipAddress"] = "127.0.0.1",
                ["details"] = details,
            });
        }
    }

    /// <summary><c>PUT /users/{id}</c> with <c>enabled: false</c>: sessions stay, nothing is sent (KEYCLOAK.md).</summary>
    public void DisableUser(string userId) => Users[userId] = false;

    /// <summary>User deleted: the user and their sessions go silently (KEYCLOAK.md, #37981).</summary>
    public void DeleteUser(string userId)
    {
        Users.TryRemove(userId, out _);
        foreach (var sid in Sessions.Where(s => s.Value.UserId == userId).Select(s => s.Key).ToList())
        {
            Sessions.TryRemove(sid, out _);
        }
    }

    /// <summary>
    /// Admin "Sign out" of a user (<c>POST /users/{id}/logout</c>): every session of the user goes. Returns their ids,
    /// oldest first: Keycloak's back-channel logouts then name only the first (KEYCLOAK.md, #22914).
    /// </summary>
    public IReadOnlyList<string> SignOutUser(string userId)
    {
        var ended = Sessions.Where(s => s.Value.UserId == userId).OrderBy(s => s.Value.Start).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Key).ToList();
        foreach (var sid in ended)
        {
            Sessions.TryRemove(sid, out _);
        }

        return ended;
    }

    /// <summary>A session gone without an event (an admin ended it, or events are not stored).</summary>
    public void RemoveSession(string sid) => Sessions.TryRemove(sid, out _);
}
