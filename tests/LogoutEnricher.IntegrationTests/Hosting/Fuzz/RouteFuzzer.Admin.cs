using System.Text;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.IntegrationTests.Fuzz;

internal sealed partial class RouteFuzzer
{
    private static readonly string[] AdminBodies =
    [
        "{\"issuer\":\"ISSUER\",\"clientId\":\"" + The.ClientId + "\",\"sid\":\"fuzz-sid-1\"}",
        "{\"issuer\":\"ISSUER\",\"clientId\":\"" + The.ClientId + "\",\"sub\":\"" + The.Subject + "\"}",
        "{\"issuer\":\"ISSUER\",\"clientId\":\"" + The.ClientId + "\"}",
        "{\"issuer\":\"ISSUER\",\"clientId\":\"" + The.ClientId + "\",\"sid\":\"\\ud800\"}",
        "{\"issuer\":1,\"clientId\":[],\"sid\":{}}",
        "{\"issuer\":\"ISSUER\"", "", "null", "[]", "\"x\"", "{\"issuer\":\"ISSUER\",\"issuer\":\"x\",\"clientId\":\"y\"}",
        new string('[', 5000) + new string(']', 5000),
        "{\"issuer\":\"ISSUER\",\"clientId\":\"" + The.ClientId + "\",\"sid\":\"" + new string('s', 20_000) + "\"}",
    ];

    private FuzzExchange Admin(Random random)
    {
        var headers = new List<KeyValuePair<string, string>>();
        switch (random.Next(6))
        {
            case 0 or 1: headers.Add(new("X-Api-Key", adminApiKey)); break;
            case 2: headers.Add(new("X-Api-Key", Pick(random, [adminApiKey + "x", "", new string('k', 5000), "%C3%A9\t"]))); break;
            case 3: headers.Add(new("Authorization", "Bearer " + Pick(random, ["x", "a.b.c", Base64UrlEncoder.Encode("{\"alg\":\"none\"}") + ".e30.", keycloak.LogoutToken().Sign()]))); break;
            case 4: headers.Add(new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + adminApiKey)))); break;
            default: break;
        }

        var issuer = Uri.EscapeDataString(Pick(random, [keycloak.Issuer, "http://elsewhere.test", "", "\u202E"]));
        var query = Pick(random, [$"?issuer={issuer}&clientId={The.ClientId}&sid=fuzz-sid-{random.Next(50)}", $"?issuer={issuer}&clientId={The.ClientId}&sub={The.Subject}",
            $"?issuer={issuer}&clientId={The.ClientId}", "?issuer=%ZZ&clientId=%00&sid=%E2", "", $"?issuer={issuer}&clientId={The.ClientId}&sid=" + new string('s', 6000)]);
        return random.Next(7) switch
        {
            5 => new FuzzExchange("admin", HttpMethod.Get, "/admin/fan-out-jobs" + Pick(random, ["", "?max=-1", "?max=0", "?max=999999999999", "?max=x", "?max=5&max=6"]), null, null, false, headers),
            6 => new FuzzExchange("admin", random.Next(4) == 0 ? HttpMethod.Post : HttpMethod.Get, "/admin/config-findings" + Pick(random, Noise), null, null, false, headers),
            0 or 1 => new FuzzExchange("admin", HttpMethod.Get, "/admin/mappings" + query, null, null, false, headers),
            2 => new FuzzExchange("admin", HttpMethod.Get, "/admin/dead-letters" + Pick(random, ["", "?limit=-1", "?limit=999999999999", "?limit=x"]), null, null, false, headers),
            3 => new FuzzExchange("admin", HttpMethod.Post, "/admin/dead-letters/" + Pick(random, ["retry", "1/retry", "-1/retry", "99999999999999999999/retry", "x/retry", "%00/retry", "retry?x=1"]),
                null, null, false, headers),
            _ => new FuzzExchange("admin", HttpMethod.Post, "/admin/logouts",
                Pick(random, ["application/json", "application/json; charset=utf-8", "text/plain", Form]), Encoding.UTF8.GetBytes(Pick(random, AdminBodies).Replace("ISSUER", keycloak.Issuer, StringComparison.Ordinal)),
                random.Next(4) == 0, headers),
        };
    }
}
