using System.Net.Http.Headers;
using System.Text;
using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Enrichment;
using LogoutEnricher.Hosting;
using LogoutEnricher.Providers;
using LogoutEnricher.Telemetry;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery;

/// <summary>
/// POSTs an enriched logout to an application. The target comes only from configuration, never from the token,
/// so LogoutEnricher cannot be turned into an open proxy.
/// </summary>
internal sealed class LogoutDeliverer(
    IHttpClientFactory httpClientFactory,
    EnrichedTokenFactory tokens,
    IOptions<LogoutEnricherOptions> options,
    TimeProvider timeProvider,
    LogoutEnricherMetrics metrics)
{
    public const string HttpClientName = "LogoutEnricher.Delivery";

    public async Task<DeliveryResult> DeliverAsync(ConfiguredClient client, ValidatedLogoutToken token, LogoutDelivery delivery, CancellationToken cancellationToken)
    {
        var result = await SendAsync(client, token, delivery, cancellationToken);
        metrics.DeliveryCompleted(client, result);
        return result;
    }

    private async Task<DeliveryResult> SendAsync(ConfiguredClient client, ValidatedLogoutToken token, LogoutDelivery delivery, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        using var request = CreateRequest(client, token, delivery);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Delivery.Timeout);
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return new DeliveryResult(code is >= 200 and < 300, code, null, timeProvider.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult(false, null, "timeout", timeProvider.GetElapsedTime(started));
        }
        catch (HttpRequestException exception)
        {
            return new DeliveryResult(false, null, exception.HttpRequestError.ToString(), timeProvider.GetElapsedTime(started));
        }
    }

    private HttpRequestMessage CreateRequest(ConfiguredClient client, ValidatedLogoutToken token, LogoutDelivery delivery)
    {
        var url = delivery.Host is null
            ? client.LogoutUrl
            : client.LogoutUrl.Replace(SessionHostPlaceholder.Token, delivery.Host, StringComparison.Ordinal);

        if (client.Format == LogoutFormat.KeycloakAdmin)
        {
            // Keycloak's legacy Admin URL logout: the signed LogoutAction as the raw text/plain body of {adminUrl}/k_logout.
            var action = tokens.CreateLogoutAction(client.ClientId, token.Sid, delivery.AppSessionIds);
            return new HttpRequestMessage(HttpMethod.Post, url.TrimEnd('/') + "/k_logout")
            {
                Content = new StringContent(action, Encoding.UTF8, new MediaTypeHeaderValue("text/plain")),
            };
        }

        var logoutToken = tokens.CreateLogoutToken(token.Payload, delivery.AppSessionIds);
        return new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", logoutToken)]),
        };
    }
}
