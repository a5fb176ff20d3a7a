using System.Net;
using LogoutEnricher.EndToEndTests.Infrastructure;

namespace LogoutEnricher.EndToEndTests;

/// <summary>The DemoApp as people copy it: what its user sees when a party it depends on is down.</summary>
public sealed class DemoAppTests
{
    [Fact]
    public async Task Login_ProviderUnreachable_AnswersAPageNamingTheProviderWithoutAStackTrace()
    {
        var nobody = $"http://127.0.0.1:{Requirement.FreePort()}";
        await using var app = await DemoAppInstance.StartAsync(Requirement.FreePort(), "demo-app-1", nobody, new Uri(nobody), "token");
        using var client = new HttpClient();

        using var response = await client.GetAsync(new Uri(app.BaseUrl, "login"), TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("The OpenID provider could not be reached", html, StringComparison.Ordinal);
        Assert.Contains(nobody, html, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
        Assert.DoesNotContain("at System.", html, StringComparison.Ordinal);
    }
}
