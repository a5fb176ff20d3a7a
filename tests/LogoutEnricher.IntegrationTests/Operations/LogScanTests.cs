using System.Net;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Http;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// Application session ids are credentials and tokens are bearer secrets: with every log level on, a full flow must
/// leave none of them (nor a client secret) in any log event. Every TestEnvironment scans its logs on disposal; this
/// test turns the level down to Verbose so that framework and library events are scanned too.
/// </summary>
public sealed class LogScanTests
{
    [Fact]
    public async Task FullFlow_AtVerboseLevel_LogsNoTokenSecretOrAppSessionId()
    {
        var env = await TestEnvironment.StartAsync(settings =>
        {
            settings["Serilog:MinimumLevel:Default"] = "Verbose";
            settings["LogoutEnricher:Upstream:FrontDoor"] = "true";
        });
        await using (env)
        {
            var refresh = await env.LoginAsync(The.ClientId, The.AppSessionId);
            using (var refreshed = await env.RefreshAsync(The.ClientId, refresh, The.SecondAppSessionId))
            {
                Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            }

            await env.LoginAsync(The.OtherClientId, The.OtherAppSessionId);
            using (var unknown = await env.ExchangeCodeAsync(The.UnconfiguredClientId, "PHPSESSID-unconfigured-client"))
            {
                Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
            }

            await env.SendRejectedAcceptedAndReplayedAsync(env.Keycloak.LogoutToken().Sign(System.Security.Cryptography.RSA.Create(2048)));

            env.OtherApp.StatusCode = StatusCodes.Status500InternalServerError;
            using (var failed = await env.SendLogoutAsync(env.Keycloak.LogoutToken(The.OtherClientId).Sign()))
            {
                Assert.Equal(HttpStatusCode.BadRequest, failed.StatusCode);
            }

            using (var frontDoor = await env.Client.GetAsync($"/realms/{The.Realm}/.well-known/openid-configuration"))
            {
                Assert.Equal(HttpStatusCode.OK, frontDoor.StatusCode);
            }

            Assert.Equal([The.AppSessionId, The.SecondAppSessionId], Assert.Single(env.App.Received).AdapterSessionIds.Order(StringComparer.Ordinal));
            Assert.Contains(env.Logs.Events, e => e.Level == Serilog.Events.LogEventLevel.Debug);
        }
    }
}
