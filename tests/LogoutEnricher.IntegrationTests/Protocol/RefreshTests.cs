using System.Net;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// A refresh keeps the SSO session alive at Keycloak; the mapping must live as long, even when the application sends
/// its session id only with the code (keycloak-connect does).
/// </summary>
public sealed class RefreshTests : IAsyncLifetime
{
    // Note: FakeKeycloak answers refresh_expires_in = 1800, Keycloak's default SSO Session Idle.
    private static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromMinutes(30);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestEnvironment _env = null!;

    public async ValueTask InitializeAsync() =>
        _env = await TestEnvironment.StartAsync(services: services => services.AddSingleton<TimeProvider>(_time));

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task Refresh_WithoutClientSessionState_KeepsTheMappingAliveSoALaterLogoutStillNamesTheSession()
    {
        var refreshToken = await _env.LoginAsync(The.ClientId, The.AppSessionId);
        _time.Advance(TimeSpan.FromMinutes(20));
        using (var refresh = await _env.RefreshAsync(The.ClientId, refreshToken, appSessionId: null))
        {
            Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        }

        var refreshedAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMinutes(20));

        Assert.False(_env.Keycloak.TokenRequests.Last().ContainsKey("client_session_state"));
        var mapping = await FindAsync();
        Assert.NotNull(mapping);
        Assert.Equal(refreshedAt + RefreshTokenLifetime, mapping.ExpiresAt, TimeSpan.FromSeconds(2));
        Assert.Equal([The.AppSessionId], await LogoutAsync());
    }

    [Fact]
    public async Task NoRefresh_TheMappingEndsWithTheFirstRefreshToken()
    {
        await _env.LoginAsync(The.ClientId, The.AppSessionId);
        _time.Advance(TimeSpan.FromMinutes(40));

        Assert.Null(await FindAsync());
        Assert.Empty(await LogoutAsync());
    }

    [Fact]
    public async Task Refresh_WithoutClientSessionStateAndNoMapping_RecordsNothing()
    {
        var refreshToken = await _env.LoginAsync(The.OtherClientId, The.OtherAppSessionId);

        using var refresh = await _env.RefreshAsync(The.OtherClientId, refreshToken, appSessionId: null);

        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        Assert.Null(await FindAsync());
    }

    private Task<SessionMapping?> FindAsync() =>
        _env.Services.GetRequiredService<ProtectedSessionStore>().FindAsync(new SessionKey(_env.Keycloak.Issuer, The.ClientId, The.Sid));

    /// <summary>Sends Keycloak's logout token for the session, issued at the sidecar's clock, and returns the ids delivered.</summary>
    private async Task<string[]> LogoutAsync()
    {
        using var response = await _env.SendLogoutAsync(_env.Keycloak.LogoutToken().IssuedAt(_time, TimeSpan.FromMinutes(2)).Sign());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(_env.App.Received).AdapterSessionIds;
    }
}
