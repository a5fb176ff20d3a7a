using System.Net;
using System.Text.RegularExpressions;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// Console sign-in by OIDC login against the admin API's bearer issuer (the fake realm), followed redirect by redirect
/// as a browser does: authorization code with PKCE, the role read from the access token as the admin API reads it, a
/// 403 page (not a loop) without the role, and state or nonce tampering refused.
/// </summary>
public sealed partial class OperatorConsoleOidcTests : IAsyncLifetime
{
    private const string ConsoleClientId = "logoutenricher-console";
    private const string ConsoleClientSecret = "console-client-secret";
    private const string Audience = "logoutenricher";
    private const string Role = "console-operator";

    private TestEnvironment _env = null!;
    private ConsoleBrowser _browser = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await TestEnvironment.StartAsync(settings =>
        {
            settings["LogoutEnricher:Admin:Enabled"] = "true";
            settings["LogoutEnricher:Admin:Bearer:Issuer"] = settings["LogoutEnricher:Issuers:demo:Issuer"];
            settings["LogoutEnricher:Admin:Bearer:Audience"] = Audience;
            settings["LogoutEnricher:Admin:Bearer:RequiredRole"] = Role;
            settings["LogoutEnricher:Console:Oidc:ClientId"] = ConsoleClientId;
            settings["LogoutEnricher:Console:Oidc:ClientSecret"] = ConsoleClientSecret;
        });
        _env.Keycloak.RegisterClient(ConsoleClientId, ConsoleClientSecret, new Uri(_env.Client.BaseAddress!, ConsoleBrowser.ConsolePath + "/signin-oidc"));
        // Keycloak: alice holds the client role of the "logoutenricher" client, so her access tokens name it in aud.
        _env.Keycloak.RoleMappings["alice"] = new FakeRoleMapping([], new Dictionary<string, string[]> { [Audience] = [Role] });
        _browser = new ConsoleBrowser(_env.Client.BaseAddress!);
    }

    public async ValueTask DisposeAsync()
    {
        _browser.Dispose();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task OidcSignIn_UserWithTheRole_LandsOnTheConsoleWithAStrictHttpOnlyShortLivedCookie()
    {
        var authorize = await StartAsync();
        Assert.Contains("code_challenge_method=S256", authorize.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("response_mode=form_post", authorize.Query, StringComparison.Ordinal);

        using var callback = await _browser.Http.GetAsync(await LogInAtProviderAsync(authorize, "alice"));

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal(ConsoleBrowser.ConsolePath + "/signed-in", callback.Headers.Location?.OriginalString);
        Assert.True(callback.Headers.CacheControl?.NoStore, "the provider's answer is not cached");
        var cookie = Assert.Single(SetCookies(callback), c => c.StartsWith(".LogoutEnricher.Console=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/admin/console", cookie, StringComparison.Ordinal);
        var ticket = _browser.Cookies.GetAllCookies().Single(c => c.Name == ".LogoutEnricher.Console").Value;
        Assert.DoesNotContain("eyJ", ticket, StringComparison.Ordinal);
        var landing = await _browser.Http.GetStringAsync(ConsoleBrowser.ConsolePath + "/signed-in");
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"0;url=/admin/console\">", landing, StringComparison.Ordinal);
        var page = await _browser.PageAsync();
        Assert.Contains("<h2>Issuers and clients</h2>", page, StringComparison.Ordinal);
        var exchange = Assert.Single(_env.Keycloak.TokenRequests, r => r.GetValueOrDefault("client_id") == ConsoleClientId);
        Assert.True(exchange.ContainsKey("code_verifier"), "the code was redeemed with its PKCE verifier");
        Assert.Contains(_env.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Operator console sign-in ({Method})", StringComparison.Ordinal)
            && e.Properties["Method"].ToString() == "\"oidc\"");
    }

    [Fact]
    public async Task OidcSignIn_StartedOnReplicaAAnsweredOnReplicaB_SignsInWithoutSessionAffinity()
    {
        await using var replicaB = _env.StartReplica(out var clientB);
        var answer = await LogInAtProviderAsync(await StartAsync(), "alice");

        // The load balancer sends the provider's answer to the other replica, which must read A's state and correlation.
        using var onB = new ConsoleBrowser(clientB.BaseAddress!, _browser.Cookies);
        using var callback = await onB.Http.GetAsync(answer.PathAndQuery);

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal(ConsoleBrowser.ConsolePath + "/signed-in", callback.Headers.Location?.OriginalString);
        Assert.Contains("<h2>Issuers and clients</h2>", await onB.PageAsync(), StringComparison.Ordinal);
        Assert.Contains("<h2>Issuers and clients</h2>", await _browser.PageAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInPage_OidcConfigured_OffersSignInWithTheIssuerAndLetsItsFormGoThere()
    {
        using var response = await _browser.Http.GetAsync(ConsoleBrowser.ConsolePath + "/sign-in");
        var page = await response.Content.ReadAsStringAsync();

        // The form's answer redirects to the provider: form-action 'self' alone would make the browser stop there.
        var policy = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("form-action 'self' " + _env.Keycloak.PublicUrl.GetLeftPart(UriPartial.Authority) + ";", policy, StringComparison.Ordinal);

        Assert.Contains($"<button class=\"primary\" type=\"submit\" id=\"sign-in-oidc\">Sign in with {_env.Keycloak.Issuer}</button>", page, StringComparison.Ordinal);
        Assert.Contains("name=\"apiKey\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OidcSignIn_UserWithoutTheRole_Gets403PageAndNoSessionCookie()
    {
        var authorize = await StartAsync();

        using var callback = await _browser.Http.GetAsync(await LogInAtProviderAsync(authorize, "bob"));
        var body = await callback.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, callback.StatusCode);
        Assert.Null(callback.Headers.Location);
        Assert.Contains("as <strong>bob</strong>, but that account's access token does not grant the role <code>console-operator</code>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("http-equiv=\"refresh\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain(SetCookies(callback), c => c.StartsWith(".LogoutEnricher.Console=", StringComparison.Ordinal));
        using var console = await _browser.Http.GetAsync(ConsoleBrowser.ConsolePath);
        Assert.Equal(ConsoleBrowser.ConsolePath + "/sign-in", console.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task OidcSignIn_StateChangedOnTheWayBack_IsRefusedWith400AndNoSessionCookie()
    {
        var authorize = await StartAsync();
        var answer = await LogInAtProviderAsync(authorize, "alice");

        var tampered = Regex.Replace(answer.ToString(), "state=([^&]+)", m => "state=" + Uri.EscapeDataString(Flip(Uri.UnescapeDataString(m.Groups[1].Value))));
        using var callback = await _browser.Http.GetAsync(tampered);

        await AssertRefusedAsync(callback);
    }

    [Fact]
    public async Task OidcSignIn_NonceReplacedInTheAuthorizationRequest_IsRefusedWith400AndNoSessionCookie()
    {
        var authorize = await StartAsync();
        var injected = new Uri(Regex.Replace(authorize.ToString(), "nonce=([^&]+)", "nonce=attacker-chosen-nonce"));

        using var callback = await _browser.Http.GetAsync(await LogInAtProviderAsync(injected, "alice"));

        await AssertRefusedAsync(callback);
        Assert.Contains("nonce", await callback.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OidcSignIn_WithoutAntiforgeryToken_Returns400AndNeverGoesToTheProvider()
    {
        using var response = await _browser.Http.PostAsync(ConsoleBrowser.ConsolePath + "/sign-in/oidc", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("/signout-oidc")]
    [InlineData("/signout-callback-oidc")]
    public async Task OidcHandler_SignOutPaths_LiveUnderTheConsoleNotAtTheRootOfKeycloaksUrl(string path)
    {
        // The root is Keycloak's public URL: a path there that the console's sign-in handler answers would shadow it.
        using var atRoot = await _browser.Http.GetAsync(path + "?iss=x&sid=y");
        using var underConsole = await _browser.Http.GetAsync(ConsoleBrowser.ConsolePath + path + "?iss=x&sid=y");

        Assert.Equal(HttpStatusCode.NotFound, atRoot.StatusCode);
        Assert.NotEqual(HttpStatusCode.NotFound, underConsole.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?code=x")]
    [InlineData("?state=not-a-state&code=x")]
    [InlineData("?error=access_denied&state=x")]
    [InlineData("?state=%ZZ&code=%00")]
    public async Task OidcCallback_NotAnAnswerToThisBrowsersSignIn_Answers400WithoutACookie(string query)
    {
        using var callback = await _browser.Http.GetAsync(ConsoleBrowser.ConsolePath + "/signin-oidc" + query);

        await AssertRefusedAsync(callback);
    }

    [Fact]
    public async Task OidcSignIn_ProviderDiscoveryUnreachable_Answers503PageNamingTheApiKeyWay()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            settings["LogoutEnricher:Issuers:demo:MetadataAddress"] = "http://127.0.0.1:9/realms/demo/.well-known/openid-configuration";
            settings["LogoutEnricher:Admin:Enabled"] = "true";
            settings["LogoutEnricher:Admin:Bearer:Issuer"] = settings["LogoutEnricher:Issuers:demo:Issuer"];
            settings["LogoutEnricher:Admin:Bearer:Audience"] = Audience;
            settings["LogoutEnricher:Admin:Bearer:RequiredRole"] = Role;
            settings["LogoutEnricher:Console:Oidc:ClientId"] = ConsoleClientId;
        });
        using var browser = new ConsoleBrowser(env.Client.BaseAddress!);
        var page = await browser.Http.GetStringAsync(ConsoleBrowser.ConsolePath + "/sign-in");

        using var response = await browser.Http.PostAsync(ConsoleBrowser.ConsolePath + "/sign-in/oidc", ConsoleBrowser.Form(page));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("sign in with an API key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_ConsoleOidcWithoutAdminBearerIssuer_FailsNamingWhatToSet()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var env = await TestEnvironment.StartAsync(settings =>
            {
                settings["LogoutEnricher:Admin:Enabled"] = "true";
                settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = new string('a', 64);
                settings["LogoutEnricher:Console:Oidc:ClientId"] = ConsoleClientId;
            });
        });

        var validation = Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(exception.GetBaseException());
        Assert.Contains("LogoutEnricher:Console:Oidc:ClientId is set but LogoutEnricher:Admin:Bearer:Issuer or :Audience is empty", validation.Message, StringComparison.Ordinal);
    }

    /// <summary>Posts the sign-in page's OIDC form; returns the provider's authorization URL it redirects to.</summary>
    private async Task<Uri> StartAsync()
    {
        var page = await _browser.Http.GetStringAsync(ConsoleBrowser.ConsolePath + "/sign-in");
        using var challenge = await _browser.Http.PostAsync(ConsoleBrowser.ConsolePath + "/sign-in/oidc", ConsoleBrowser.Form(page));
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.StartsWith(_env.Keycloak.Issuer + "/protocol/openid-connect/auth?", authorize.ToString(), StringComparison.Ordinal);
        return authorize;
    }

    /// <summary>The provider's login form, submitted as <paramref name="user"/>; returns the redirect back to LogoutEnricher.</summary>
    private async Task<Uri> LogInAtProviderAsync(Uri authorize, string user)
    {
        var form = await _browser.Http.GetStringAsync(authorize);
        var action = WebUtility.HtmlDecode(FormAction().Match(form).Groups[1].Value);
        using var login = await _browser.Http.PostAsync(action, new FormUrlEncodedContent([new("username", user)]));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var back = login.Headers.Location!;
        Assert.StartsWith(new Uri(_env.Client.BaseAddress!, ConsoleBrowser.ConsolePath + "/signin-oidc").ToString(), back.ToString(), StringComparison.Ordinal);
        return back;
    }

    private async Task AssertRefusedAsync(HttpResponseMessage callback)
    {
        Assert.Equal(HttpStatusCode.BadRequest, callback.StatusCode);
        Assert.Contains("id=\"sign-in-error\"", await callback.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(SetCookies(callback), c => c.StartsWith(".LogoutEnricher.Console=", StringComparison.Ordinal));
        using var console = await _browser.Http.GetAsync(ConsoleBrowser.ConsolePath);
        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
    }

    /// <summary>The same string with one character in the middle changed.</summary>
    private static string Flip(string value)
    {
        var chars = value.ToCharArray();
        chars[chars.Length / 2] = chars[chars.Length / 2] == 'A' ? 'B' : 'A';
        return new string(chars);
    }

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) => ConsoleBrowser.SetCookies(response);

    [GeneratedRegex("<form id=\"kc-form-login\" method=\"post\" action=\"([^\"]+)\">")]
    private static partial Regex FormAction();
}
