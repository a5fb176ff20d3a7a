using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests.Fuzz;

internal sealed partial class LogoutRequestFuzzer
{
    /// <summary>Values of every JSON type, many wrong for any claim they land in.</summary>
    private static readonly Func<JsonNode?>[] WrongValues =
    [
        () => null, () => true, () => 0, () => -1, () => 1e300, () => -1e300, () => 1.5, () => "", () => "\u202Eevil", () => new JsonArray(),
        () => new JsonArray(1, 2), () => new JsonObject(), () => new JsonObject { ["a"] = new JsonObject() }, () => "9999999999999999999999",
    ];

    private static readonly string[] Unicode = ["\u200B", "\u202E", "\uFF49", "\u0131", "\u00A0", "\uFEFF", "e\u0301", "\uD83D\uDE00", "\u0000"];

    /// <summary>A token signed with the realm's real key, with noise and at least one defect the validator must find.</summary>
    private string SignedDefective()
    {
        var token = keycloak.LogoutToken();
        for (var i = _random.Next(3); i > 0; i--)
        {
            AddNoise(token);
        }

        AddDefect(token);
        return token.Sign();
    }

    /// <summary>Changes that may or may not be defects on their own.</summary>
    private void AddNoise(LogoutTokenBuilder token)
    {
        switch (_random.Next(5))
        {
            case 0: token.Claims["x-" + _random.Next(100)] = new string('x', _random.Next(1, 30_000)); break;
            case 1: token.Claims["extra"] = JsonNode.Parse(DeepJson(_random.Next(1, 15))); break;
            case 2: token.Claims["sub"] = The.Subject + Pick(Unicode); break;
            case 3: token.Claims["exp"] = 32503679999; break;
            default: token.Header["jku"] = "http://attacker.invalid/jwks"; break;
        }
    }

    /// <summary>One change that the validator must reject.</summary>
    private void AddDefect(LogoutTokenBuilder token)
    {
        string[] validated = ["iss", "aud", "iat", "exp", "jti", "events"];
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        switch (_random.Next(12))
        {
            case 0:
                var claim = Pick(validated);
                token.Claims[claim] = WrongValueFor(claim);
                break;
            case 1: token.Claims.Remove(Pick(validated)); break;
            case 2: token.Claims.Remove("sub"); token.Claims.Remove("sid"); break;
            case 3: token.Claims[_random.Next(2) == 0 ? "sub" : "sid"] = WrongValueFor("sid"); break;
            case 4: token.Claims["nonce"] = Pick(WrongValues)(); break;
            case 5: token.Claims["iss"] = keycloak.Issuer + Pick(Unicode); break;
            case 6: token.Claims["aud"] = _random.Next(2) == 0 ? The.ClientId + Pick(Unicode) : new JsonArray(The.ClientId, The.OtherClientId); break;
            case 7:
                var future = _random.Next(2) == 0;
                token.Claims["iat"] = future ? now + 100_000 : now - 200_000;
                token.Claims["exp"] = future ? now + 200_000 : now - 100_000;
                break;
            case 8: token.Claims["events"] = new JsonObject { [The.BackChannelLogoutEvent + Pick(Unicode)] = new JsonObject() }; break;
            case 9: token.Header["alg"] = Pick(new JsonNode?[] { "none", "HS256", "rs256", "RS256\u0000", null, 256, "PS256" }); break;
            case 10: token.Header["kid"] = Pick(new JsonNode?[] { "unknown", FakeKeycloak.EncryptionKeyId, FakeKeycloak.SigningKeyId + "\u200B" }); break;
            default: token.Header["typ"] = Pick(new JsonNode?[] { "at+jwt", "", 1, "logout+jwt" + Pick(Unicode) }); break;
        }
    }

    /// <summary>A value that is wrong for <paramref name="claim"/>: any non-empty string is a valid jti, sid or sub,
    /// and 0 or 1.5 are valid (if old) iat values, so those are drawn again.</summary>
    private JsonNode? WrongValueFor(string claim)
    {
        while (true)
        {
            var value = Pick(WrongValues)();
            var nonEmptyString = value is JsonValue text && text.TryGetValue<string>(out var s) && s.Length > 0;
            var validOldDate = value?.GetValueKind() == JsonValueKind.Number && double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture) is >= 0 and < 1e10;
            if ((claim is "jti" or "sid" && nonEmptyString) || (claim == "iat" && validOldDate))
            {
                continue;
            }

            return value;
        }
    }
}
