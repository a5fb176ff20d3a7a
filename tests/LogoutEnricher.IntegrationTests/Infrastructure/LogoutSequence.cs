using System.Net;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

internal static class LogoutSequence
{
    /// <summary>
    /// Sends <paramref name="rejected"/> (expected 400), then a valid logout token (expected 200) and the same token
    /// again (expected 400 Replayed): one of each outcome, for tests that look at what they leave behind.
    /// </summary>
    public static async Task SendRejectedAcceptedAndReplayedAsync(this TestEnvironment env, string rejected)
    {
        using (var response = await env.SendLogoutAsync(rejected))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var accepted = env.Keycloak.LogoutToken().Sign();
        using (var response = await env.SendLogoutAsync(accepted))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var replay = await env.SendLogoutAsync(accepted))
        {
            await Responses.AssertRejectedAsync(replay, "Replayed");
        }
    }
}
