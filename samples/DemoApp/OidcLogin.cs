using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace DemoApp;

/// <summary>
/// The OpenID Connect code flow, with the two things LogoutEnricher needs: the code is redeemed at LogoutEnricher's
/// token endpoint, and the request carries <c>client_session_state</c> = the local session id this login creates.
/// </summary>
public static class OidcLogin
{
    public const string LocalSessionClaim = "local_session";
    private const string LocalSessionItem = "demoapp.local_session";

    public static void Configure(OpenIdConnectOptions oidc, DemoAppOptions options)
    {
        oidc.Authority = options.Authority;
        oidc.MetadataAddress = options.MetadataAddress;
        oidc.RequireHttpsMetadata = options.Authority.StartsWith("https:", StringComparison.OrdinalIgnoreCase);
        oidc.ClientId = options.ClientId;
        oidc.ClientSecret = options.ClientSecret;
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        oidc.Scope.Clear();
        oidc.Scope.Add("openid");
        oidc.Scope.Add("profile");
        oidc.MapInboundClaims = false;
        oidc.SaveTokens = true; // keeps the id_token for the id_token_hint of RP-initiated logout

        // Note: a query response (not form_post) with Lax cookies works over plain http on localhost, as in the demo.
        oidc.ResponseMode = OpenIdConnectResponseMode.Query;
        oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
        oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        oidc.NonceCookie.SameSite = SameSiteMode.Lax;
        oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;

        oidc.Events.OnRemoteFailure = context => ErrorPages.OnRemoteFailureAsync(context, options);
        oidc.Events.OnAuthorizationCodeReceived = context =>
        {
            // Every login gets a fresh local session id (never one chosen before login: no session fixation).
            var sessionId = LocalSessionRegistry.NewId();
            context.Properties!.Items[LocalSessionItem] = sessionId;
            context.TokenEndpointRequest!.TokenEndpoint = options.TokenEndpoint;
            context.TokenEndpointRequest.SetParameter("client_session_state", sessionId);
            return Task.CompletedTask;
        };

        oidc.Events.OnTokenValidated = context =>
        {
            if (context.Properties?.Items.Remove(LocalSessionItem, out var sessionId) != true || sessionId is null || context.Principal is null)
            {
                context.Fail("the login created no local session");
                return Task.CompletedTask;
            }

            var user = context.Principal;
            var subject = user.FindFirst("sub")?.Value ?? "";
            var name = user.FindFirst("preferred_username")?.Value ?? user.FindFirst("name")?.Value ?? subject;
            ((ClaimsIdentity)user.Identity!).AddClaim(new Claim(LocalSessionClaim, sessionId));
            var sessions = context.HttpContext.RequestServices.GetRequiredService<LocalSessionRegistry>();
            var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
            sessions.Add(new LocalSession(sessionId, subject, name, time.GetUtcNow()));
            return Task.CompletedTask;
        };
    }
}
