using System.Text.Json.Nodes;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>
/// LogoutEnricher with Admin API access to the fake realm, reconciliation timings small enough for a test, and a
/// realm export in which every configured client is set up as the README says (no doctor finding).
/// </summary>
internal static class SilentLogoutHarness
{
    public const string PublicBaseUrl = "http://logoutenricher.test:8080";
    public const string AdminApiKey = "admin-key-of-the-silent-logout-tests";

    /// <summary>Keycloak's own user ids: not pairwise, so the captured sub is the user id.</summary>
    public const string Alice = The.Subject;
    public const string Bob = The.OtherSubject;
    public const string ThirdSid = "9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";

    public static Action<Dictionary<string, string?>> Configure(FakeKeycloakAdmin admin, Action<Dictionary<string, string?>>? more = null) => settings =>
    {
        TestEnvironment.Queued(settings);
        settings["LogoutEnricher:KeycloakAdmin:Realms:demo:ClientId"] = FakeKeycloakAdmin.ServiceAccountClientId;
        settings["LogoutEnricher:KeycloakAdmin:Realms:demo:ClientSecret"] = FakeKeycloakAdmin.ServiceAccountSecret;
        settings["LogoutEnricher:KeycloakAdmin:Realms:demo:BaseUrl"] = admin.BaseUrl.ToString();
        settings["LogoutEnricher:KeycloakAdmin:Timeout"] = "00:00:03";
        settings["LogoutEnricher:KeycloakAdmin:MaxRequestsPerSecond"] = "200";
        settings["LogoutEnricher:Reconciliation:PollInterval"] = "00:00:00.200";
        settings["LogoutEnricher:Reconciliation:Interval"] = "00:00:00.300";
        settings["LogoutEnricher:Reconciliation:ConfirmationInterval"] = "00:00:01.500";
        settings["LogoutEnricher:Reconciliation:LeaseDuration"] = "00:00:05";
        // Note: pages of 2 make every listing in these tests span several pages.
        settings["LogoutEnricher:Reconciliation:PageSize"] = "2";
        settings["LogoutEnricher:Doctor:PublicBaseUrl"] = PublicBaseUrl;
        settings["LogoutEnricher:Doctor:Interval"] = "00:00:00.500";
        settings["LogoutEnricher:Admin:Enabled"] = "true";
        settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(AdminApiKey)));
        more?.Invoke(settings);
    };

    /// <summary>Both test clients configured for single logout through LogoutEnricher, expiry events stored.</summary>
    public static JsonObject GoodRealmExport() => new()
    {
        ["realm"] = The.Realm,
        ["eventsEnabled"] = true,
        ["enabledEventTypes"] = new JsonArray("LOGIN", "LOGOUT", "USER_SESSION_DELETED"),
        ["clients"] = new JsonArray(GoodClient(The.ClientId), GoodClient(The.OtherClientId), GoodClient("not-configured-here")),
    };

    public static JsonObject ClientOf(JsonObject export, string clientId) =>
        export["clients"]!.AsArray().Select(c => c!.AsObject()).Single(c => (string?)c["clientId"] == clientId);

    public static async Task<FakeKeycloakAdmin> StartAdminAsync()
    {
        var admin = await FakeKeycloakAdmin.StartAsync();
        admin.Import(GoodRealmExport());
        return admin;
    }

    private static JsonObject GoodClient(string clientId) => new()
    {
        ["clientId"] = clientId,
        ["enabled"] = true,
        ["publicClient"] = false,
        ["frontchannelLogout"] = false,
        ["adminUrl"] = $"{PublicBaseUrl}/keycloak-admin/{clientId}",
        ["attributes"] = new JsonObject
        {
            ["backchannel.logout.url"] = $"{PublicBaseUrl}/backchannel-logout/{clientId}",
            ["backchannel.logout.session.required"] = "true",
            ["backchannel.logout.revoke.offline.tokens"] = "false",
        },
    };
}
