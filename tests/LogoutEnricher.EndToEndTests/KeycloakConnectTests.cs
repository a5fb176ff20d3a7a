using System.Net;
using System.Text.Json;
using LogoutEnricher.EndToEndTests.Infrastructure;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;

namespace LogoutEnricher.EndToEndTests;

/// <summary>
/// Keycloak's own Node.js adapter, keycloak-connect 26.1.1, unchanged (keycloak-connect-app/: only keycloak.json points
/// auth-server-url at LogoutEnricher as Keycloak's front door), against the Keycloak-faithful fake realm. Every logout
/// reaches the application as a <c>k_logout</c> that the adapter verifies with the realm key set it fetches itself.
/// </summary>
public sealed class KeycloakConnectTests
{
    [Fact]
    public async Task Login_ThroughLogoutEnricher_RecordsTheExpressSessionId()
    {
        await using var environment = await UnchangedAppEnvironment.StartAsync(DeploymentShape.FrontDoor);
        using var browser = new AdapterBrowser();

        var page = await browser.LogInAsync(environment.App.BaseUrl, "alice");

        Assert.Equal("Logged in as alice", page.Who);
        Assert.Contains(browser.Hops, hop => hop.Authority == environment.PublicUrl.Authority && hop.AbsolutePath == "/realms/demo/protocol/openid-connect/auth");
        var exchange = Assert.Single(environment.Keycloak.TokenRequests, r => r.GetValueOrDefault("grant_type") == "authorization_code");
        Assert.Equal(page.ExpressSessionId, exchange["client_session_state"]);
        var sid = environment.Keycloak.SessionOf("alice").Sid;
        var mapping = await environment.Sessions.FindAsync(new SessionKey(environment.Keycloak.Issuer, KeycloakConnectApp.ClientId, sid));
        Assert.NotNull(mapping);
        Assert.Single(mapping.AppSessions);
        Assert.Equal(The.Subject, mapping.Subject);
    }

    [Fact]
    public async Task RealmCerts_AtThePublicUrl_HoldKeycloaksKeysAndLogoutEnrichersWhileKeycloakPublishesOnlyItsOwn()
    {
        await using var environment = await UnchangedAppEnvironment.StartAsync(DeploymentShape.FrontDoor);
        using var http = new HttpClient();

        var keycloakKids = await KidsAsync(http, new Uri(environment.Keycloak.BaseUrl, "realms/demo/protocol/openid-connect/certs"));
        var realmKids = await KidsAsync(http, new Uri(environment.PublicUrl, "realms/demo/protocol/openid-connect/certs"));
        var ownKids = await KidsAsync(http, new Uri(environment.SidecarUrl, ".well-known/jwks.json"));

        Assert.Equal(new[] { FakeKeycloak.EncryptionKeyId, FakeKeycloak.SigningKeyId }.Order(), keycloakKids.Order());
        Assert.NotEmpty(ownKids);
        Assert.Empty(ownKids.Intersect(keycloakKids));
        Assert.Equal(keycloakKids.Concat(ownKids).Order(), realmKids.Order());
    }

    [Fact]
    public async Task BackChannelLogout_ForAlice_EndsAlicesExpressSessionAndNotBobs()
    {
        await using var users = await AliceAndBob.LogInAsync();
        var (environment, alice, bob) = (users.Environment, users.Alice, users.Bob);

        using var response = await environment.BackChannelLogoutAsync("alice");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await EventuallyLoggedOutAsync(alice, environment, "alice's express session ended by the k_logout LogoutEnricher sent");
        Assert.True(await bob.IsLoggedInAsync(environment.App.BaseUrl));
    }

    [Fact]
    public async Task SignOutAllPush_EndsEveryCapturedSessionOfTheApplication()
    {
        await using var users = await AliceAndBob.LogInAsync();
        var (environment, alice, bob) = (users.Environment, users.Alice, users.Bob);
        await UnchangedAppEnvironment.NextSecondAsync();

        using var response = await environment.Keycloak.LogOutAllSessionsAsync(environment.AdminUrl, KeycloakConnectApp.ClientId);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await EventuallyLoggedOutAsync(alice, environment, "alice's express session ended by sign-out-all");
        await EventuallyLoggedOutAsync(bob, environment, "bob's express session ended by sign-out-all");
    }

    [Fact]
    public async Task PushRevocation_EndsTheSessionsCapturedBeforeItsNotBefore()
    {
        var notBefore = 0L;
        await using var users = await AliceAndBob.LogInAsync(async () =>
        {
            await UnchangedAppEnvironment.NextSecondAsync();
            notBefore = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        });
        var (environment, alice, bob) = (users.Environment, users.Alice, users.Bob);

        using var response = await environment.Keycloak.PushRevocationAsync(environment.AdminUrl, KeycloakConnectApp.ClientId, notBefore);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await EventuallyLoggedOutAsync(alice, environment, "alice's express session, captured before notBefore, ended");
        Assert.True(await bob.IsLoggedInAsync(environment.App.BaseUrl));
    }

    public static TheoryData<string> ForgedPushes => ["signed by a key not in the realm set", "expired", "for another resource"];

    [Theory]
    [MemberData(nameof(ForgedPushes))]
    public async Task SignOutAllPush_ThatKeycloakCouldNotHaveSent_EndsNothing(string forgery)
    {
        await using var users = await AliceAndBob.LogInAsync();
        var (environment, alice, bob) = (users.Environment, users.Alice, users.Bob);
        await UnchangedAppEnvironment.NextSecondAsync();
        var action = environment.Keycloak.LogoutAction(KeycloakConnectApp.ClientId, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        using var foreignKey = System.Security.Cryptography.RSA.Create(2048);
        switch (forgery)
        {
            case "expired":
                action.Claims["expiration"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60;
                break;
            case "for another resource":
                action.Claims["resource"] = "another-app";
                break;
        }

        var jws = forgery == "signed by a key not in the realm set" ? action.Sign(foreignKey, "attacker-key") : action.Sign();

        using var response = await FakeKeycloak.PostAdminActionAsync(environment.AdminUrl, "k_logout", jws);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{(int)response.StatusCode} for a push {forgery}");
        // A barrier: a genuine logout for bob goes through the same outbox; once it arrived, a wrongly accepted push would have too.
        using var genuine = await environment.BackChannelLogoutAsync("bob");
        await EventuallyLoggedOutAsync(bob, environment, "bob's genuine back-channel logout arrived");
        Assert.True(await alice.IsLoggedInAsync(environment.App.BaseUrl), $"a push {forgery} ended alice's session");
    }

    /// <summary>The unchanged application at the front door, alice and bob logged in to it, each in a browser of their own.</summary>
    private sealed class AliceAndBob : IAsyncDisposable
    {
        private AliceAndBob(UnchangedAppEnvironment environment) => Environment = environment;

        public UnchangedAppEnvironment Environment { get; }

        public AdapterBrowser Alice { get; } = new();

        public AdapterBrowser Bob { get; } = new();

        /// <param name="betweenLogins">Runs after alice's login and before bob's.</param>
        public static async Task<AliceAndBob> LogInAsync(Func<Task>? betweenLogins = null)
        {
            var users = new AliceAndBob(await UnchangedAppEnvironment.StartAsync(DeploymentShape.FrontDoor));
            try
            {
                await users.Alice.LogInAsync(users.Environment.App.BaseUrl, "alice");
                await (betweenLogins?.Invoke() ?? Task.CompletedTask);
                await users.Bob.LogInAsync(users.Environment.App.BaseUrl, "bob");
                return users;
            }
            catch
            {
                await users.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            Alice.Dispose();
            Bob.Dispose();
            await Environment.DisposeAsync();
        }
    }

    internal static async Task EventuallyLoggedOutAsync(AdapterBrowser browser, UnchangedAppEnvironment environment, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await browser.IsLoggedInAsync(environment.App.BaseUrl))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"within 30 s: {what}; the adapter said: {string.Join(" | ", environment.App.Errors)}");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<List<string>> KidsAsync(HttpClient http, Uri url)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(url));
        return [.. document.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }
}
