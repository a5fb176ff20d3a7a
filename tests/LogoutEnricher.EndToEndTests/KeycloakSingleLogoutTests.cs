using LogoutEnricher.EndToEndTests.Infrastructure;

namespace LogoutEnricher.EndToEndTests;

/// <summary>
/// The same single logout against real Keycloak (Testcontainers). Skipped, with the reason, where no Docker engine
/// answers (also in CI, which has none).
/// </summary>
public sealed class KeycloakSingleLogoutTests
{
    [Fact]
    public async Task Logout_AtKeycloakLogoutEndpoint_EndsOnlyThatSsoSessionsLocalSessions()
    {
        await using var environment = await KeycloakEnvironment.StartAsync();
        using var keycloak = new KeycloakLogin(environment);
        var laptop = await keycloak.PasswordGrantAsync(environment.First.ClientId, "alice");
        var phone = await keycloak.PasswordGrantAsync(environment.First.ClientId, "alice");
        var laptopSession = await keycloak.OpenLocalSessionAsync(environment.First, laptop);
        var phoneSession = await keycloak.OpenLocalSessionAsync(environment.First, phone);

        await keycloak.LogOutAsync(environment.First.ClientId, laptop);

        await Requirement.EventuallyAsync(() => environment.First.Sessions.Logouts.Count > 0, "the application received a back-channel logout");
        Assert.Equal([laptopSession], Assert.Single(environment.First.Sessions.Logouts).AdapterSessionIds);
        Assert.Equal(phoneSession, Assert.Single(environment.First.Sessions.Sessions).Id);
        Assert.Empty(environment.Second.Sessions.Logouts);
    }

    [Fact]
    public async Task AdminSessionDelete_EndsEveryLocalSessionOfThatSsoSessionInEachApplication()
    {
        await using var environment = await KeycloakEnvironment.StartAsync();
        using var keycloak = new KeycloakLogin(environment);
        var first = await keycloak.PasswordGrantAsync(environment.First.ClientId, "alice");
        var second = await keycloak.PasswordGrantAsync(environment.Second.ClientId, "alice");
        var firstSessions = new[] { await keycloak.OpenLocalSessionAsync(environment.First, first), await keycloak.OpenLocalSessionAsync(environment.First, first) };
        var secondSession = await keycloak.OpenLocalSessionAsync(environment.Second, second);

        await keycloak.DeleteSessionAsAdminAsync(first);

        await Requirement.EventuallyAsync(() => environment.First.Sessions.Logouts.Count > 0, "the application received a back-channel logout");
        Assert.Equal(firstSessions.Order(), Assert.Single(environment.First.Sessions.Logouts).AdapterSessionIds.Order());
        Assert.Empty(environment.First.Sessions.Sessions);
        Assert.Equal(secondSession, Assert.Single(environment.Second.Sessions.Sessions).Id);
    }
}
