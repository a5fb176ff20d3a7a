using System.Net;
using System.Text.Json;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

internal static class Responses
{
    /// <summary>Asserts an OAuth error response (RFC 6749 §5.2 shape) and returns its description.</summary>
    public static async Task<string> AssertOAuthErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(error, body.RootElement.GetProperty("error").GetString());
        return body.RootElement.GetProperty("error_description").GetString()!;
    }

    /// <summary>Asserts a 400 invalid_request whose description starts with the rejection reason's name.</summary>
    public static async Task AssertRejectedAsync(HttpResponseMessage response, string reason)
    {
        var description = await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.StartsWith(reason + ":", description, StringComparison.Ordinal);
    }
}
