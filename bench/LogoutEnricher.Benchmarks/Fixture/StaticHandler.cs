using System.Net;
using System.Text;

namespace LogoutEnricher.Benchmarks.Fixture;

/// <summary>
/// Answers in memory: the provider's discovery document and JWKS, or a bodiless 200 for an application's logout
/// endpoint. Keeps sockets and a second process out of the measured allocations.
/// </summary>
internal sealed class StaticHandler(string jwks) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        var response = new HttpResponseMessage(HttpStatusCode.OK);
        if (path.EndsWith("/openid-configuration", StringComparison.Ordinal))
        {
            response.Content = new StringContent($$"""{"issuer":"{{ProviderKeys.Issuer}}","jwks_uri":"{{ProviderKeys.Issuer}}/protocol/openid-connect/certs"}""", Encoding.UTF8, "application/json");
        }
        else if (path.EndsWith("/certs", StringComparison.Ordinal))
        {
            response.Content = new StringContent(jwks, Encoding.UTF8, "application/json");
        }
        else if (request.Content is not null)
        {
            // An application reads the body it is sent; so does this one, so the request is serialized as on the wire.
            return ReadThenAnswerAsync(request.Content, response, cancellationToken);
        }

        return Task.FromResult(response);
    }

    private static async Task<HttpResponseMessage> ReadThenAnswerAsync(HttpContent content, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await content.CopyToAsync(Stream.Null, cancellationToken);
        return response;
    }
}
