using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LogoutEnricher.Protocol.KeySets;

namespace LogoutEnricher.Tests;

public sealed class RealmKeySetDocumentTests
{
    private const string Keycloak = """{"keys":[{"kid":"kc-1","kty":"RSA","use":"sig","alg":"RS256","n":"AQAB","e":"AQAB","x5c":["MIIB"]},{"kid":"kc-enc","kty":"RSA","use":"enc","alg":"RSA-OAEP","n":"AQAB","e":"AQAB"}],"extra":1}""";

    [Fact]
    public void Merge_OwnKeyWithAKidKeycloakUses_IsLeftOutAndNamed()
    {
        var own = Encoding.UTF8.GetBytes("""{"keys":[{"kty":"RSA","e":"AQAB","n":"AQAB","use":"sig","alg":"RS256","kid":"kc-1"},{"kty":"RSA","e":"AQAB","n":"AQAB","use":"sig","alg":"RS256","kid":"le-1"}]}""");

        var merged = JsonDocument.Parse(RealmKeySetDocument.Merge(Keycloak, own, out var collisions)).RootElement;

        Assert.Equal(["kc-1"], collisions);
        Assert.Equal(["kc-1", "kc-enc", "le-1"], merged.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));
        Assert.Equal(1, merged.GetProperty("extra").GetInt32());
        Assert.Equal("MIIB", merged.GetProperty("keys")[0].GetProperty("x5c")[0].GetString());
    }

    [Theory]
    [InlineData("no-store", 0, "no-store")]
    [InlineData("no-cache", 0, "no-cache")]
    [InlineData("max-age=60", 20, "public, max-age=40")]
    [InlineData("max-age=3600", 0, "public, max-age=300")]
    [InlineData("max-age=60", 90, "no-cache")]
    [InlineData(null, 0, "public, max-age=300")]
    public void CacheControl_IsNoLongerThanTheShorterSource(string? keycloak, int copyAgeSeconds, string expected)
    {
        var header = keycloak is null ? null : CacheControlHeaderValue.Parse(keycloak);

        Assert.Equal(expected, RealmKeySetDocument.CacheControl(header, TimeSpan.FromSeconds(copyAgeSeconds), TimeSpan.FromMinutes(5)));
    }
}
