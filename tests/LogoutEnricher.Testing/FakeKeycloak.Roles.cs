using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.Testing;

/// <summary>A user's role mappings: realm roles, and client roles by client id.</summary>
internal sealed record FakeRoleMapping(string[] RealmRoles, IReadOnlyDictionary<string, string[]> ClientRoles);

/// <summary>
/// Roles in access tokens and PKCE, as Keycloak does them: <c>realm_access.roles</c> always holds the realm's default
/// roles, <c>resource_access.{client}.roles</c> the client roles (<c>account</c>'s by default), and the "audience
/// resolve" mapper (services/.../protocol/oidc/mappers/AudienceResolveProtocolMapper.java) puts every client the
/// token holds roles of, except the one it was issued to, into <c>aud</c> (a plain string when there is one). Roles are not in the ID token (the role mappers' "Add to ID token" is off by default).
/// </summary>
internal sealed partial class FakeKeycloak
{
    private static readonly string[] DefaultRealmRoles = ["offline_access", $"default-roles-{The.Realm}", "uma_authorization"];
    private static readonly string[] DefaultAccountRoles = ["manage-account", "manage-account-links", "view-profile"];

    /// <summary>The <c>code_challenge</c> (S256) of the authorization request behind a code.</summary>
    private readonly ConcurrentDictionary<string, string> _codeChallenges = new(StringComparer.Ordinal);

    /// <summary>Role mappings granted beyond the defaults, by user name.</summary>
    public ConcurrentDictionary<string, FakeRoleMapping> RoleMappings { get; } = new(StringComparer.Ordinal);

    private void AddRoles(JsonObject accessClaims, string? userName, string issuedTo)
    {
        var granted = userName is not null && RoleMappings.TryGetValue(userName, out var mapping) ? mapping : null;
        accessClaims["realm_access"] = new JsonObject { ["roles"] = Array([.. DefaultRealmRoles, .. granted?.RealmRoles ?? []]) };
        var resources = new JsonObject { ["account"] = new JsonObject { ["roles"] = Array(DefaultAccountRoles) } };
        foreach (var (clientId, roles) in granted?.ClientRoles ?? new Dictionary<string, string[]>())
        {
            resources[clientId] = new JsonObject { ["roles"] = Array(roles) };
        }

        accessClaims["resource_access"] = resources;
        // Keycloak's AudienceResolveProtocolMapper.setAudience: "Don't add client itself to the audience".
        var audience = resources.Select(r => r.Key).Where(c => c != issuedTo).ToArray();
        if (audience.Length == 0)
        {
            accessClaims.Remove("aud");
        }
        else
        {
            accessClaims["aud"] = audience.Length == 1 ? audience[0] : Array(audience);
        }
    }

    /// <summary>RFC 7636 §4.6 with Keycloak's error descriptions; true when the code was issued without a challenge.</summary>
    private bool VerifyPkce(string code, string? verifier, out string? error)
    {
        error = null;
        if (!_codeChallenges.TryRemove(code, out var challenge))
        {
            return true;
        }

        if (string.IsNullOrEmpty(verifier))
        {
            error = "PKCE code verifier not specified";
            return false;
        }

        var computed = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        error = computed == challenge ? null : "PKCE verification failed: Invalid code verifier";
        return error is null;
    }

    private static JsonArray Array(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
