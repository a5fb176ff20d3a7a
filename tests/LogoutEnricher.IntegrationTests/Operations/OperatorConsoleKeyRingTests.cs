using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// The console's cookie, antiforgery tokens and OIDC state are ASP.NET Core Data Protection payloads; their key ring
/// lives in the configured store (ADR 0020), so a replica reads what another made, with no session affinity, and a
/// restarted sidecar reads what it made before. At rest the ring holds no key in clear.
/// </summary>
public sealed partial class OperatorConsoleKeyRingTests
{
    private const string ApiKey = "console-key-that-only-the-operator-knows";

    public static TheoryData<string> SharedBackends => ["Redis", "PostgreSql"];

    [Theory]
    [MemberData(nameof(SharedBackends))]
    public async Task Console_SignedInOnReplicaA_CookieAndRetryFormOfReplicaAWorkOnReplicaB(string provider)
    {
        await using var backend = SharedBackend.Of(provider);
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            backend.Configure(settings);
            Console(settings);
        });
        await using var replicaB = env.StartReplica(out var clientB);
        await DeadLetterOneLogoutAsync(env);
        using var onA = new ConsoleBrowser(env.Client.BaseAddress!);
        await onA.SignInWithApiKeyAsync(ApiKey);
        var pageOfA = await onA.EventuallyAsync(p => DeadLetterRows(p).Count == 1);

        using var onB = new ConsoleBrowser(clientB.BaseAddress!, onA.Cookies);
        Assert.Single(DeadLetterRows(await onB.PageAsync()));
        env.App.StatusCode = StatusCodes.Status200OK;
        using var retry = await onB.Http.PostAsync(WebUtility.HtmlDecode(RetryAction().Match(pageOfA).Groups[1].Value), ConsoleBrowser.Form(pageOfA));

        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        Assert.Equal(ConsoleBrowser.ConsolePath + "?retried=1", retry.Headers.Location?.OriginalString);
        await env.App.WaitUntilAsync(a => a.Received.Count(r => r.Valid) == 2, TimeSpan.FromSeconds(15));
        await AssertNoKeyInClearAsync(replicaB.Services);
    }

    [Fact]
    public async Task Console_SqliteSidecarRestarted_OperatorStaysSignedInAndItsFormsStillWork()
    {
        await using var env = await TestEnvironment.StartAsync(Console);
        await DeadLetterOneLogoutAsync(env);
        using var before = new ConsoleBrowser(env.Client.BaseAddress!);
        await before.SignInWithApiKeyAsync(ApiKey);
        var pageBefore = await before.EventuallyAsync(p => DeadLetterRows(p).Count == 1);

        await env.RestartSidecarAsync();
        using var after = new ConsoleBrowser(env.Client.BaseAddress!, before.Cookies);
        Assert.Single(DeadLetterRows(await after.PageAsync()));
        env.App.StatusCode = StatusCodes.Status200OK;
        using var retry = await after.Http.PostAsync(WebUtility.HtmlDecode(RetryAction().Match(pageBefore).Groups[1].Value), ConsoleBrowser.Form(pageBefore));

        Assert.Equal(ConsoleBrowser.ConsolePath + "?retried=1", retry.Headers.Location?.OriginalString);
        await env.App.WaitUntilAsync(a => a.Received.Count(r => r.Valid) == 2, TimeSpan.FromSeconds(15));
        await AssertNoKeyInClearAsync(env.Services);
        foreach (var file in Directory.GetFiles(env.DataDirectory, "logoutenricher.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
            Assert.DoesNotContain("masterKey", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Console_KeyRingStoreDown_Answers503PageAndTheProcessStaysUp()
    {
        await using var env = await TestEnvironment.StartAsync(Console, FailingDataProtectionKeyStore.Install);
        using var browser = new ConsoleBrowser(env.Client.BaseAddress!);

        using var signIn = await browser.Http.GetAsync(ConsoleBrowser.ConsolePath + "/sign-in", TestContext.Current.CancellationToken);
        using var live = await env.Client.GetAsync("/health/live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
        Assert.Contains("The store does not answer", await signIn.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Contains(env.Logs.Events, e => e.Properties.TryGetValue("EventId", out var id) && id.ToString().Contains("5003", StringComparison.Ordinal)
            && e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("key_ring", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Console_KeyRingStoreDownWhenTheProviderAnswers_Answers503NotAFailedSignIn()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            Console(settings);
            settings["LogoutEnricher:Admin:Bearer:Issuer"] = settings["LogoutEnricher:Issuers:demo:Issuer"];
            settings["LogoutEnricher:Admin:Bearer:Audience"] = "logoutenricher";
            settings["LogoutEnricher:Admin:Bearer:RequiredRole"] = "console-operator";
            settings["LogoutEnricher:Console:Oidc:ClientId"] = "logoutenricher-console";
        }, FailingDataProtectionKeyStore.Install);
        using var browser = new ConsoleBrowser(env.Client.BaseAddress!);

        // The provider's answer to a sign-in started before the store went down (its state cannot be read now).
        using var callback = await browser.Http.GetAsync(ConsoleBrowser.ConsolePath + "/signin-oidc?code=a-code&state=CfDJ8-a-state&iss=x", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, callback.StatusCode);
        Assert.Contains("The store does not answer", await callback.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Empty(env.Keycloak.TokenRequests);
    }

    private static void Console(Dictionary<string, string?> settings)
    {
        TestEnvironment.Queued(settings);
        settings["LogoutEnricher:Admin:Enabled"] = "true";
        settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
    }

    /// <summary>The application refuses (400, permanent): the queued logout becomes a dead letter.</summary>
    private static async Task DeadLetterOneLogoutAsync(TestEnvironment env)
    {
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        env.App.StatusCode = StatusCodes.Status400BadRequest;
        using var logout = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        await env.App.WaitForAsync(1);
    }

    /// <summary>The ring as stored: keys there, each one's descriptor (its master key) encrypted with the storage key.</summary>
    private static async Task AssertNoKeyInClearAsync(IServiceProvider services)
    {
        var stored = await services.GetRequiredService<IDataProtectionKeyStore>().GetAllAsync(TestContext.Current.CancellationToken);

        var keys = stored.Where(k => k.FriendlyName.StartsWith("key-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(keys);
        Assert.All(keys, key =>
        {
            Assert.DoesNotContain("masterKey", key.Xml, StringComparison.Ordinal);
            Assert.Contains("<" + SecretXmlEncryptor.ElementName, key.Xml, StringComparison.Ordinal);
        });
    }

    private static List<string> DeadLetterRows(string page) => ConsoleBrowser.Rows(page, "dead-letter");

    [GeneratedRegex("<form class=\"inline\" method=\"post\" action=\"([^\"]+/retry)\">")]
    private static partial Regex RetryAction();
}
