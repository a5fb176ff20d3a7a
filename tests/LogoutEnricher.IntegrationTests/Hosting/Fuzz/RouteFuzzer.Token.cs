using System.Text;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.IntegrationTests.Fuzz;

internal sealed partial class RouteFuzzer
{
    /// <summary>Every way a client may name and authenticate itself (RFC 6749 §2.3, RFC 7523), done wrong or at odds.</summary>
    private static readonly Func<Random, (string? Authorization, string? Form)>[] ClientAuthentications =
    [
        _ => (null, null),
        _ => ("Basic " + B64($"{The.ClientId}:{The.ClientSecret}"), null),
        _ => ("Basic " + B64($"{The.ClientId}:{The.ClientSecret}"), "client_id=" + The.OtherClientId),
        _ => ("Basic " + B64("no-colon"), null),
        _ => ("Basic " + B64(":" + The.ClientSecret), null),
        _ => ("Basic " + B64(new string('u', 4000) + ":p"), null),
        _ => ("Basic !!!not-base64!!!", null),
        _ => ("Basic", null),
        _ => ("Basic " + B64("%ZZ%:x"), null),
        r => ("Basic " + Convert.ToBase64String(RandomBytes(r, 64)), null),
        _ => ("Bearer " + B64("x"), null),
        _ => ("basic  " + B64($"{The.ClientId}:s") + " extra", null),
        _ => (null, $"client_id={The.ClientId}&client_id={The.OtherClientId}"),
        _ => (null, "client_id=" + Uri.EscapeDataString("\u202E" + The.ClientId)),
        _ => (null, "client_assertion=" + Assertion("{\"iss\":\"" + The.ClientId + "\",\"sub\":\"" + The.ClientId + "\"}")),
        _ => (null, "client_assertion=" + Assertion("{\"iss\":\"" + The.ClientId + "\",\"sub\":\"" + The.OtherClientId + "\"}")),
        _ => (null, "client_assertion=" + Base64UrlEncoder.Encode("{}") + "." + Base64UrlEncoder.Encode([.. "{\"sub\":\""u8, 0xFF, .. "\"}"u8]) + ".c2ln"),
        _ => (null, "client_assertion=" + Assertion("{\"sub\":\"\\ud800\"}")),
        _ => (null, "client_assertion=" + Assertion("{\"sub\":" + new string('[', 3000) + new string(']', 3000) + "}")),
        _ => (null, "client_assertion=" + Assertion("[\"sub\"]")),
        _ => (null, "client_assertion=" + Assertion("{\"sub\":42,\"iss\":null}")),
        _ => (null, "client_assertion=a.b"),
        _ => (null, "client_assertion=%%%.%%%.%%%"),
        r => (null, "client_assertion=" + Base64UrlEncoder.Encode(RandomBytes(r, 100)) + "." + Base64UrlEncoder.Encode(RandomBytes(r, 300)) + "."),
        _ => (null, "client_assertion=" + Assertion("{\"sub\":\"a\"}") + "&client_assertion=" + Assertion("{\"sub\":\"b\"}")),
    ];

    private static string Assertion(string payloadJson) =>
        Base64UrlEncoder.Encode("{\"alg\":\"RS256\"}") + "." + Base64UrlEncoder.Encode(payloadJson) + ".c2ln";

    private static readonly string[] SessionStates =
    [
        "client_session_state=" + The.AppSessionId, "client_session_state=", "client_session_state=a&client_session_state=b",
        "client_session_state=" + new string('s', 5000), "client_session_state=%ZZ", "client_session_state=%E2%80%AE%00", "",
        "client_session_state=x&client_session_host=" + Uri.EscapeDataString("evil.test:1@x"), "client_session_state=x&client_session_host=",
    ];

    private FuzzExchange Token(Random random)
    {
        var (authorization, clientForm) = Pick(random, ClientAuthentications)(random);
        // A real code sometimes, so that the realm answers 200 with tokens that are captured.
        var code = random.Next(3) == 0 ? keycloak.IssueCode(random.Next(2) == 0 ? The.ClientId : The.OtherClientId, The.Subject, $"fuzz-sid-{random.Next(50)}") : "not-a-code";
        var parts = new List<string> { "grant_type=" + Pick(random, ["authorization_code", "refresh_token", "password", "", "client_credentials%00"]), "code=" + code };
        parts.Add(Pick(random, SessionStates));
        if (clientForm is not null)
        {
            parts.Add(clientForm);
        }

        var text = string.Join('&', parts.Where(p => p.Length > 0).OrderBy(_ => random.Next()));
        var body = random.Next(15) == 0 ? RandomBytes(random, 8192) : Encoding.UTF8.GetBytes(text);
        var headers = new List<KeyValuePair<string, string>>();
        if (authorization is not null)
        {
            headers.Add(new("Authorization", authorization));
        }

        if (random.Next(2) == 0)
        {
            headers.Add(new(MisbehavingUpstream.Header, Pick(random, MisbehavingUpstream.Kinds)));
        }

        var contentType = random.Next(10) == 0 ? Pick(random, [null, "application/json", Form + "; charset=utf-16", "multipart/form-data; boundary=x", "text/plain"]) : Form;
        var path = random.Next(10) == 0 ? $"/realms/{Pick(random, ["other", "%2e%2e", "\u00e9", new string('r', 500)])}/protocol/openid-connect/token" : TokenPath;
        return new FuzzExchange("token", HttpMethod.Post, path, contentType, body, random.Next(5) == 0, headers);
    }
}
