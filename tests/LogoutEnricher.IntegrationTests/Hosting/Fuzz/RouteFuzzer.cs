using System.Text;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests.Fuzz;

/// <summary>One generated request to any route: what an HttpClient sends, plus the route family for the report.</summary>
internal sealed record FuzzExchange(string Route, HttpMethod Method, string Path, string? ContentType, byte[]? Body, bool Chunked, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// Generates request <c>i</c> of a seeded run for every public route: the back-channel logout receiver (through
/// <see cref="LogoutRequestFuzzer"/>), the token endpoint with odd client authentication and a misbehaving provider
/// behind it, the JWKS, health, metrics, the admin API with and without credentials, Keycloak's Admin URL pushes,
/// the realm key set (with the key-fetch marker and odd Hosts), the operator console signed in and not, and paths
/// that do not exist.
/// Request <c>i</c> depends only on (seed, i), so a failure is replayed by its number whatever ran in parallel.
/// </summary>
internal sealed partial class RouteFuzzer(FakeKeycloak keycloak, int seed, string adminApiKey, string? keyFetchMarker = null, ConsoleSession? console = null)
{
    private const string Form = "application/x-www-form-urlencoded";
    private static readonly string TokenPath = $"/realms/{The.Realm}/protocol/openid-connect/token";

    public FuzzExchange Next(int index)
    {
        var random = new Random(unchecked((seed * 1_000_003) + index));
        return random.Next(26) switch
        {
            < 6 => Logout(random),
            < 13 => WithOddHostSometimes(random, Token(random)),
            13 => Jwks(random),
            14 => Health(random),
            15 => Metrics(random),
            < 19 => Admin(random),
            19 => Elsewhere(random),
            < 22 => AdminUrlPush(random),
            < 24 => Certs(random),
            _ => Console(random),
        };
    }

    private static FuzzExchange WithOddHostSometimes(Random random, FuzzExchange exchange) =>
        random.Next(8) == 0 ? exchange with { Headers = [.. exchange.Headers, new("Host", Pick(random, OddHosts))] } : exchange;

    private FuzzExchange Logout(Random random)
    {
        var request = new LogoutRequestFuzzer(keycloak, random.Next()).Next();
        var path = random.Next(4) == 0 ? "/backchannel-logout/" + Uri.EscapeDataString(Pick(random, ClientNames)) : "/backchannel-logout";
        return new FuzzExchange("logout:" + request.Kind, HttpMethod.Post, path, request.ContentType, request.Body, request.Chunked, []);
    }

    private static readonly string[] ClientNames = [The.ClientId, The.OtherClientId, The.UnconfiguredClientId, "", "%ZZ", "\u202E", new('c', 3000), "a/b", ".."];

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "G\u00C9T"];

    private static readonly string[] Noise = ["", "?", "?a=%ZZ", "?a=" + new string('q', 6000), "?\u0000=1", "?x[]=1&x[]=2", "#frag", "/", "//", "/..", "%2F", ";jsessionid=1"];

    private static FuzzExchange Jwks(Random random)
    {
        var path = Pick(random, ["/.well-known/jwks.json", "/.well-known/jwks.json/", "/.WELL-KNOWN/JWKS.JSON", "/.well-known/jwks.json%00"]) + Pick(random, Noise);
        return Simple("jwks", random, path);
    }

    private static FuzzExchange Health(Random random) =>
        Simple("health", random, Pick(random, ["/health/live", "/health/ready", "/health", "/health/live/x"]) + Pick(random, Noise));

    private static readonly string[] Accepts = ["text/plain", "application/openmetrics-text; version=1.0.0", "*/*", "\u0001", "application/json;q=abc"];

    private static FuzzExchange Metrics(Random random) => Simple("metrics", random, "/metrics" + Pick(random, Noise), Pick(random, Accepts));

    private static FuzzExchange Elsewhere(Random random)
    {
        var path = "/" + string.Join('/', Enumerable.Range(0, random.Next(1, 6)).Select(_ => Pick(random, ["realms", The.Realm, "protocol", "admin", "..", "%2e%2e", "k_logout", "x", "\u00e9", "certs", "token"])));
        var exchange = Simple("elsewhere", random, path + Pick(random, Noise));
        // Note: front-door mode forwards these to Keycloak with the client's Host, which an outgoing request may not carry.
        return random.Next(3) == 0 ? exchange with { Headers = [.. exchange.Headers, new("Host", Pick(random, OddHosts))] } : exchange;
    }

    /// <summary>A request with a random method, a random Accept and sometimes a random body.</summary>
    private static FuzzExchange Simple(string route, Random random, string path, string? accept = null)
    {
        var method = random.Next(3) == 0 ? new HttpMethod(Pick(random, Methods).Replace("\u00C9", "E", StringComparison.Ordinal)) : HttpMethod.Get;
        var body = method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Trace ? null : RandomBytes(random, 2048);
        var headers = accept is null ? new List<KeyValuePair<string, string>>() : [new("Accept", accept)];
        return new FuzzExchange(route, method, path, body is null ? null : Pick(random, [Form, "application/json", "text/plain"]), body, body is not null && random.Next(3) == 0, headers);
    }

    private static byte[] RandomBytes(Random random, int max)
    {
        var bytes = new byte[random.Next(0, max)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
