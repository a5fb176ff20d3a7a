using System.IO.Compression;
using System.Text;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.IntegrationTests.Fuzz;

/// <summary>
/// A provider that answers token requests badly, chosen per request by the <c>X-Fuzz-Upstream</c> header (which
/// LogoutEnricher forwards like any other): invalid JSON, wrong types, huge and chunked bodies, gzip without
/// <c>Content-Encoding</c>, bad UTF-8, its own errors. Without the header the realm answers as Keycloak would.
/// </summary>
internal sealed class MisbehavingUpstream(FakeKeycloak keycloak)
{
    public const string Header = "X-Fuzz-Upstream";

    public static readonly string[] Kinds =
    [
        "invalid-json", "wrong-types", "huge", "huge-chunked", "gzip-unlabelled", "bad-utf8", "lone-surrogate", "bad-utf8-id-token",
        "error-400", "error-500", "error-503", "empty-200", "html-200", "foreign-azp", "deep-json",
    ];

    public async Task<bool> AnswerAsync(HttpContext context)
    {
        if (context.Request.Headers[Header].ToString() is not { Length: > 0 } kind)
        {
            return false;
        }

        // Note: read the request first, as any provider does. Answering a chunked request before reading it and then
        // closing the connection races YARP's request-body copy and can end the client's response early (seen once
        // in 100,000 requests); that is the provider breaking the exchange, not an answer to pass on.
        await context.Request.Body.CopyToAsync(Stream.Null);

        var (status, body, chunked) = kind switch
        {
            "invalid-json" => (200, "{\"access_token\":\"a\",\"session_state\":"u8.ToArray(), false),
            "wrong-types" => (200, Encoding.UTF8.GetBytes($"{{\"access_token\":{{}},\"id_token\":[1],\"session_state\":123,\"refresh_expires_in\":\"1800\",\"expires_in\":1e400,\"x\":{IdToken()}}}"), false),
            "huge" => (200, Padded(300 * 1024), false),
            "huge-chunked" => (200, Padded(600 * 1024), true),
            "gzip-unlabelled" => (200, Gzip(Valid()), false),
            "bad-utf8" => (200, [.. "{\"session_state\":\"s"u8, 0xFF, 0xFE, .. "\",\"id_token\":\""u8, .. Encoding.ASCII.GetBytes(IdToken()), .. "\"}"u8], false),
            "lone-surrogate" => (200, Encoding.ASCII.GetBytes($"{{\"session_state\":\"\\ud800\",\"id_token\":\"{IdToken()}\"}}"), false),
            "bad-utf8-id-token" => (200, Encoding.ASCII.GetBytes($"{{\"session_state\":\"{The.Sid}\",\"id_token\":\"{IdToken([0xC3, 0x28])}\"}}"), false),
            "error-400" => (400, "{\"error\":\"invalid_grant\"}"u8.ToArray(), false),
            "error-500" => (500, "{\"error\":\"server_error\"}"u8.ToArray(), false),
            "error-503" => (503, "<html>maintenance</html>"u8.ToArray(), true),
            "empty-200" => (200, [], false),
            "html-200" => (200, "<html><body>login</body></html>"u8.ToArray(), false),
            "foreign-azp" => (200, Valid(azp: The.OtherClientId), false),
            _ => (200, Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000)), false),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = kind == "html-200" || kind == "error-503" ? "text/html" : "application/json";
        if (!chunked)
        {
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
            return true;
        }

        foreach (var chunk in body.Chunk(32 * 1024))
        {
            await context.Response.Body.WriteAsync(chunk);
            await context.Response.Body.FlushAsync();
        }

        return true;
    }

    private byte[] Valid(string azp = The.ClientId) => Encoding.ASCII.GetBytes(
        $"{{\"access_token\":\"opaque\",\"refresh_expires_in\":1800,\"id_token\":\"{IdToken(azp: azp)}\",\"session_state\":\"{The.OtherSid}\"}}");

    private byte[] Padded(int size) => [.. Valid()[..^1], .. Encoding.ASCII.GetBytes(",\"padding\":\"" + new string('p', size) + "\"}")];

    /// <param name="subjectBytes">Raw bytes of the <c>sub</c> claim (e.g. invalid UTF-8); default: the test subject.</param>
    private string IdToken(byte[]? subjectBytes = null, string azp = The.ClientId)
    {
        byte[] claims =
        [
            .. Encoding.UTF8.GetBytes($"{{\"iss\":\"{keycloak.Issuer}\",\"azp\":\"{azp}\",\"aud\":\"{azp}\",\"sid\":\"{The.OtherSid}\",\"sub\":\""),
            .. subjectBytes ?? Encoding.UTF8.GetBytes(The.Subject), .. "\"}"u8,
        ];
        return keycloak.SignEncoded(Base64UrlEncoder.Encode("{\"alg\":\"RS256\"}") + "." + Base64UrlEncoder.Encode(claims));
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }
}
