using System.Net;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// The token response is read without verifying signatures, so its issuer is only believed for the provider behind
/// the route: a provider configured with its own token path must not write mappings under Keycloak's issuer.
/// </summary>
public sealed class CaptureScopeTests
{
    private const string OtherIssuer = "http://other-provider.test/oidc";

    [Fact]
    public async Task TokenRequest_ThroughAnotherProvidersPathAnsweringWithKeycloaksIssuer_RecordsNothing()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            settings["LogoutEnricher:Issuers:other:Issuer"] = OtherIssuer;
            settings["LogoutEnricher:Issuers:other:MetadataAddress"] = "http://127.0.0.1:9/.well-known/openid-configuration";
            settings["LogoutEnricher:Issuers:other:TokenPath"] = "/other/token";
            settings[$"LogoutEnricher:Issuers:other:Clients:{The.ClientId}:LogoutUrl"] = "http://127.0.0.1:9/logout";
            // The other provider's "token endpoint" is Keycloak's: its answers name Keycloak's issuer and sid.
            settings["LogoutEnricher:Issuers:other:TokenEndpoint"] = settings["LogoutEnricher:Issuers:demo:Issuer"] + "/protocol/openid-connect/token";
        });

        using var response = await env.Client.PostAsync("/other/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = env.Keycloak.IssueCode(The.ClientId),
            ["client_id"] = The.ClientId,
            ["client_session_state"] = The.AppSessionId,
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var store = env.Services.GetRequiredService<ProtectedSessionStore>();
        Assert.Null(await store.FindAsync(new SessionKey(env.Keycloak.Issuer, The.ClientId, The.Sid)));
        Assert.Null(await store.FindAsync(new SessionKey(OtherIssuer, The.ClientId, The.Sid)));
    }

    [Fact]
    public async Task TokenRequest_ThroughKeycloaksRealmPath_IsRecordedUnderThatRealm()
    {
        await using var env = await TestEnvironment.StartAsync();

        await env.LoginAsync(The.ClientId, The.AppSessionId);

        var store = env.Services.GetRequiredService<ProtectedSessionStore>();
        Assert.NotNull(await store.FindAsync(new SessionKey(env.Keycloak.Issuer, The.ClientId, The.Sid)));
    }
}
