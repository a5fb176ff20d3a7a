using System.Text;
using System.Text.Json.Nodes;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.IntegrationTests.Fuzz;

internal sealed partial class RouteFuzzer
{
    private static readonly string[] PushClients = [The.ClientId, The.OtherClientId, The.UnconfiguredClientId, "%ZZ", new('c', 3000), "a%2Fb", ".."];

    /// <summary>Values an action's numbers take in the wild and beyond: the end of time, negatives, fractions, strings, null.</summary>
    private static readonly JsonNode?[] OddNumbers = [253402300790, 253402300799, long.MaxValue, long.MinValue, -1, 0, 1.5, 1e300, "42", "x", null, new JsonArray(), true];

    /// <summary>Keycloak's Admin URL pushes (<c>k_logout</c>, <c>k_push_not_before</c>): signed actions, done right and wrong.</summary>
    private FuzzExchange AdminUrlPush(Random random)
    {
        var client = random.Next(2) == 0 ? The.ClientId : Pick(random, PushClients);
        var endpoint = random.Next(3) == 0 ? "k_push_not_before" : "k_logout";
        var notBefore = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - random.Next(0, 3600);
        var resource = random.Next(6) == 0 ? Pick(random, [The.ClientId, The.OtherClientId, "elsewhere"]) : client;
        // Note: mostly the action the path names, so that most pushes get past the checks; one in six the other one.
        var logout = (endpoint == "k_logout") != (random.Next(6) == 0);
        var action = (logout, random.Next(2)) switch
        {
            (true, 0) => keycloak.LogoutAction(resource, notBefore),
            (true, _) => keycloak.LogoutAction(resource, 0, [$"fuzz-sid-{random.Next(50)}"], [$"fuzz-app-session-{random.Next(50)}"]),
            _ => keycloak.PushNotBeforeAction(resource, notBefore),
        };
        switch (random.Next(15))
        {
            case 0: action.Claims["expiration"] = Pick(random, OddNumbers)?.DeepClone(); break;
            case 1: action.Claims["notBefore"] = Pick(random, OddNumbers)?.DeepClone(); break;
            case 2: action.Claims["id"] = Pick(random, [JsonValue.Create(""), JsonValue.Create(new string('i', 5000)), JsonValue.Create(42), null]); break;
            case 3: action.Claims.Remove(Pick(random, ["id", "expiration", "resource", "action", "notBefore"])); break;
            case 4: action.Claims["keycloakSessionIds"] = Pick(random, [new JsonArray(), new JsonArray(1, 2), new JsonArray(new string('s', 3000)), (JsonNode)"x"]); break;
            default: break;
        }

        var jws = action.Sign();
        var body = random.Next(18) switch
        {
            0 => RandomBytes(random, 4096),
            1 => Encoding.ASCII.GetBytes(jws[..random.Next(jws.Length)]),
            2 => Encoding.ASCII.GetBytes(jws + "." + jws),
            3 => Encoding.ASCII.GetBytes(action.SignHs256(Encoding.ASCII.GetBytes("secret"))),
            4 => Encoding.ASCII.GetBytes(Base64UrlEncoder.Encode("{\"alg\":\"none\"}") + "." + jws.Split('.')[1] + "."),
            5 => Encoding.ASCII.GetBytes(jws + new string(' ', 20_000)),
            _ => Encoding.Latin1.GetBytes(jws),
        };
        var contentType = random.Next(4) != 0 ? FakeKeycloak.PushContentType : Pick(random, ["text/plain", "application/json", Form, "text/plain; charset=\u0001", null]);
        return new FuzzExchange("adminurl", HttpMethod.Post, $"/keycloak-admin/{client}/{endpoint}" + (random.Next(8) == 0 ? Pick(random, Noise) : ""),
            contentType, body, random.Next(4) == 0, []);
    }

    /// <summary>Host values a client can send that an outgoing request may not carry or a key set must not echo.</summary>
    private static readonly string[] OddHosts =
    [
        new string('h', 300) + ".test", string.Join('.', Enumerable.Repeat(new string('a', 63), 5)), "[::1]:1", "[::1]", "KEYCLOAK.TEST.", "a_b.test",
        "127.0.0.1:0", "keycloak.test:99999", "keycloak.test:", "x", "1.2.3", "-bad-.test", "%41.test", "a..b",
    ];

    /// <summary>The realm key set: realms served and not, the key-fetch marker right, wrong and absent, odd Hosts.</summary>
    private FuzzExchange Certs(Random random)
    {
        var realm = Pick(random, [The.Realm, The.Realm, "master", "%ZZ", new string('r', 3000), "..", "a%2Fb"]);
        var headers = new List<KeyValuePair<string, string>>();
        switch (random.Next(4))
        {
            case 0: headers.Add(new("X-LogoutEnricher-Key-Fetch", keyFetchMarker ?? "marker")); break;
            case 1: headers.Add(new("X-LogoutEnricher-Key-Fetch", Pick(random, ["", "1", "true", new string('m', 5000), Convert.ToBase64String(RandomBytes(random, 48))]))); break;
            default: break;
        }

        if (random.Next(2) == 0)
        {
            headers.Add(new("Host", Pick(random, OddHosts)));
        }

        if (random.Next(4) == 0)
        {
            headers.Add(new("Accept", Pick(random, Accepts)));
        }

        var path = $"/realms/{realm}/protocol/openid-connect/certs" + (random.Next(4) == 0 ? Pick(random, Noise) : "");
        var method = random.Next(6) == 0 ? new HttpMethod(Pick(random, ["HEAD", "POST", "OPTIONS"])) : HttpMethod.Get;
        var body = method == HttpMethod.Post ? RandomBytes(random, 512) : null;
        return new FuzzExchange("certs", method, path, body is null ? null : Form, body, false, headers);
    }
}
