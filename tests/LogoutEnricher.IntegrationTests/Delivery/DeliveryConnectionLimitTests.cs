using System.Net;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// <c>Delivery:MaxConnectionsPerApplication</c>: a burst of logouts in Synchronous mode (one inline delivery per logout
/// Keycloak sends) opens no more connections to an application than the limit; the rest wait for a free connection
/// and are still delivered. (A limit below 1 is refused at startup:
/// <see cref="HostingTests.Startup_InvalidConfiguration_FailsNamingTheKeyToFix"/>.)
/// </summary>
public sealed class DeliveryConnectionLimitTests
{
    private const int Logouts = 10;

    [Fact]
    public async Task SynchronousBurst_WithALimitOfTwo_NeverHasMoreThanTwoDeliveriesAtTheApplicationAndDeliversAll()
    {
        var peak = await SendBurstAsync(settings => settings["LogoutEnricher:Delivery:MaxConnectionsPerApplication"] = "2");

        Assert.Equal(2, peak);
    }

    [Fact]
    public async Task SynchronousBurst_WithTheDefaultLimit_ReachesTheApplicationSideBySide()
    {
        // Note: the counterpart of the test above; it shows that the burst does put deliveries side by side when the
        // limit (64 by default) allows it, so a peak of two above is the limit's doing.
        var peak = await SendBurstAsync(_ => { });

        Assert.InRange(peak, 3, Logouts);
    }

    [Fact]
    public async Task SynchronousBurst_ApplicationSlowerThanTheStoreWaitBudget_EveryLogoutIsDeliveredAndRecorded()
    {
        // The store wait budget bounds waiting for the store, not the request: logouts that waited longer than it for
        // their application still record their delivery (ten writers contend for the store at the end of the burst).
        var peak = await SendBurstAsync(settings =>
        {
            settings["LogoutEnricher:Delivery:MaxConnectionsPerApplication"] = "2";
            settings["LogoutEnricher:Storage:RequestWaitLimit"] = "00:00:00.200";
        });

        Assert.Equal(2, peak);
    }

    /// <returns>The most deliveries the application was answering at one moment.</returns>
    private static async Task<int> SendBurstAsync(Action<Dictionary<string, string?>> configure)
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            // Note: room for five rounds of two slow deliveries on a loaded machine.
            settings["LogoutEnricher:Delivery:Timeout"] = "00:00:20";
            settings["LogoutEnricher:Delivery:LeaseDuration"] = "00:00:45";
            configure(settings);
        });
        for (var n = 0; n < Logouts; n++)
        {
            await env.LoginAsync(The.ClientId, $"app-session-{n:D2}", sid: $"sso-session-{n:D2}");
        }

        env.App.Delay = TimeSpan.FromMilliseconds(500);
        var responses = await Task.WhenAll(Enumerable.Range(0, Logouts)
            .Select(n => env.SendLogoutAsync(env.Keycloak.LogoutToken(sid: $"sso-session-{n:D2}").Sign())));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(Logouts, env.App.Received.Count(r => r.Valid));
        Assert.Equal(Enumerable.Range(0, Logouts).Select(n => $"app-session-{n:D2}"), env.App.ReceivedIds.Order());
        for (var n = 0; n < Logouts; n++)
        {
            // Delivered, so forgotten: the completion was written after the application answered.
            Assert.Null(await env.Services.GetRequiredService<Storage.ProtectedSessionStore>().FindAsync(new Storage.SessionKey(env.Keycloak.Issuer, The.ClientId, $"sso-session-{n:D2}")));
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }

        return env.App.PeakInFlight;
    }
}
