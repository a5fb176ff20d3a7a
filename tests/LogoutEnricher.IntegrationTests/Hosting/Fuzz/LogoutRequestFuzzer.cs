using System.Text;
using System.Text.Json.Nodes;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.IntegrationTests.Fuzz;

/// <summary>One generated request: the body bytes and the Content-Type header as sent (null: none).</summary>
internal sealed record FuzzRequest(string Kind, string? ContentType, byte[] Body, bool Chunked);

/// <summary>
/// Generates hostile back-channel logout requests from a seed: random bytes, broken form encodings, truncated and
/// re-encoded JWTs, and correctly signed tokens whose claims are wrong in every way (each signed token carries at
/// least one defect the validator must catch, so none of them may be accepted).
/// </summary>
internal sealed partial class LogoutRequestFuzzer(FakeKeycloak keycloak, int seed)
{
    private const string Form = "application/x-www-form-urlencoded";

    private static readonly string[] ContentTypes =
    [
        "application/json", "text/plain", "multipart/form-data; boundary=x", Form + "; charset=utf-16", Form + "; charset=iso-8859-1",
        "application/x-www-form-urlencoded-evil", "application/jwt", "*/*", ";;;", "application/x-www-form-urlencoded; charset=\"", "x/\"y\"",
    ];

    private readonly Random _random = new(seed);

    public FuzzRequest Next() => _random.Next(10) switch
    {
        0 => RandomBytes(),
        1 => WrongContentType(),
        2 => BrokenForm(),
        3 or 4 => FormOf("mangled-jwt", MangledJwt(keycloak.LogoutToken().Sign())),
        _ => FormOf("signed-defective", SignedDefective()),
    };

    private FuzzRequest RandomBytes()
    {
        var body = new byte[_random.Next(0, 4096)];
        _random.NextBytes(body);
        return new FuzzRequest("random-bytes", Form, body, _random.Next(4) == 0);
    }

    private FuzzRequest WrongContentType()
    {
        var body = Encoding.UTF8.GetBytes("logout_token=" + Uri.EscapeDataString(keycloak.LogoutToken().Sign()));
        var type = _random.Next(5) == 0 ? null : Pick(ContentTypes);
        return new FuzzRequest("content-type", type, body, false);
    }

    private FuzzRequest BrokenForm()
    {
        string[] forms =
        [
            "logout_token=%ZZ%", "logout_token", "=", "&&&&", "logout_token=&logout_token=", "logout_token=a&logout_token=b",
            "logout_token=" + new string('a', 70_000), new string('k', 5000) + "=v", string.Join('&', Enumerable.Range(0, 200).Select(i => $"f{i}=v")),
            "logout_token=%C0%AE%C0%AE", "logout_token=%00%00", "\uFEFFlogout_token=eyJ", "logout%5Ftoken=x", "LOGOUT_TOKEN=x", "logout_token=+++",
            "logout_token=%E2%80%AE" + Uri.EscapeDataString(keycloak.LogoutToken().Sign()), "logout_token[]=x", "logout_token=%", "a=%F0%9F",
        ];
        var text = Pick(forms);
        var body = _random.Next(3) == 0 ? Encoding.Latin1.GetBytes(text.Replace("a", "\u00e4", StringComparison.Ordinal)) : Encoding.UTF8.GetBytes(text);
        return new FuzzRequest("broken-form", Form, body, _random.Next(3) == 0);
    }

    private FuzzRequest FormOf(string kind, string token) =>
        new(kind, Form, Encoding.UTF8.GetBytes("logout_token=" + Uri.EscapeDataString(token)), _random.Next(8) == 0);

    /// <summary>
    /// A mutation of a valid token that must not verify. Note: a mutation can come out as the token itself (a character
    /// "flipped" to the same one, a standard-base64 spelling with nothing to change); that one is cut short instead.
    /// </summary>
    private string MangledJwt(string jwt)
    {
        var mangled = MangleOnce(jwt);
        return mangled == jwt ? jwt[..^1] : mangled;
    }

    private string MangleOnce(string jwt)
    {
        var parts = jwt.Split('.');
        switch (_random.Next(9))
        {
            case 0: return jwt[.._random.Next(jwt.Length)];
            case 1: return FlipCharacters(jwt);
            case 2: return string.Join('.', parts.Select(p => Convert.ToBase64String(Base64UrlEncoder.DecodeBytes(p))));
            case 3: return string.Join('.', parts[0], parts[1]);
            case 4: return string.Join('.', parts[0], parts[1], parts[2], parts[2], parts[2]);
            case 5: return string.Join('.', parts[1], parts[0], parts[2]);
            case 6: return jwt + "." + jwt;
            case 7: return parts[0] + "." + Base64UrlEncoder.Encode(DeepJson(_random.Next(17, 5000))) + "." + parts[2];
            default: return string.Join('.', parts[0], Base64UrlEncoder.Encode("{\"iss\":\"a\",\"iss\":\"" + keycloak.Issuer + "\"}"), parts[2]);
        }
    }

    private string FlipCharacters(string text)
    {
        var chars = text.ToCharArray();
        for (var i = _random.Next(1, 8); i > 0; i--)
        {
            chars[_random.Next(chars.Length)] = (char)_random.Next(0x20, 0x2FF);
        }

        return new string(chars);
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private static string DeepJson(int depth) => new string('[', depth) + new string(']', depth);
}
