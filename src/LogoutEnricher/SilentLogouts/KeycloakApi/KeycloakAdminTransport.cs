using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.RateLimiting;

namespace LogoutEnricher.SilentLogouts.KeycloakApi;

/// <summary>
/// Every HTTP request to one realm goes through here: a request-rate limit (a token bucket; callers wait their turn)
/// and a timeout per request. Failures without a response become <see cref="KeycloakAdminException"/>.
/// </summary>
internal sealed class KeycloakAdminTransport(IHttpClientFactory httpClientFactory, KeycloakAdminOptions options, string realm) : IDisposable
{
    public const string HttpClientName = "LogoutEnricher.SilentLogouts.KeycloakApi";

    private readonly TokenBucketRateLimiter _limiter = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = options.MaxRequestsPerSecond,
        TokensPerPeriod = options.MaxRequestsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    /// <param name="create">Makes the request (called once; a request message cannot be sent twice).</param>
    /// <param name="what">What is asked, for error messages (a path template, never a token).</param>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, string what, CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(1, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        using var request = create();
        try
        {
            return await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KeycloakAdminException($"Keycloak (realm '{realm}') did not answer {what} within {options.Timeout}.", null, exception);
        }
        catch (HttpRequestException exception)
        {
            throw new KeycloakAdminException($"Keycloak (realm '{realm}') could not be reached for {what}: {exception.HttpRequestError}.", null, exception);
        }
    }

    public async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken)
                ?? throw new KeycloakAdminException($"Keycloak (realm '{realm}') answered {what} with an empty body.");
        }
        catch (JsonException exception)
        {
            throw new KeycloakAdminException($"Keycloak (realm '{realm}') answered {what} with a body that is not the expected JSON.", null, exception);
        }
    }

    public void Dispose() => _limiter.Dispose();
}
