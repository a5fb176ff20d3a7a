using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LogoutEnricher.Enrichment;
using LogoutEnricher.Providers;
using LogoutEnricher.Telemetry;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery;

/// <summary>
/// POSTs an enriched logout to an application, minting a fresh token for every attempt. The target comes only from
/// configuration, never from the token, so LogoutEnricher cannot be turned into an open proxy.
/// </summary>
internal sealed class LogoutDeliverer(
    IHttpClientFactory httpClientFactory,
    EnrichedTokenFactory tokens,
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider,
    LogoutEnricherMetrics metrics,
    AuditLog audit)
{
    public const string HttpClientName = "LogoutEnricher.Delivery";

    /// <param name="claims">The provider's validated logout token claims.</param>
    /// <param name="sid">The provider's session id, for the legacy format's <c>keycloakSessionIds</c>.</param>
    public async Task<DeliveryResult> DeliverAsync(ConfiguredClient client, JsonElement claims, string? sid, LogoutDelivery delivery, CancellationToken cancellationToken)
    {
        var result = await SendAsync(client, claims, sid, delivery, cancellationToken);
        metrics.DeliveryCompleted(client, result);
        audit.LogoutDelivered(client, Security.SidHash.Of(sid), delivery.AppSessionIds.Count, result);
        return result;
    }

    private async Task<DeliveryResult> SendAsync(ConfiguredClient client, JsonElement claims, string? sid, LogoutDelivery delivery, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        if (client.UrlFor(delivery.Host) is not { } url)
        {
            // Note: checked again here, not only when planning, so that an entry queued before the allow-list changed
            // never reaches a host that is no longer allowed.
            return new DeliveryResult(false, null, "target_not_configured", TimeSpan.Zero);
        }

        using var request = CreateRequest(client, url, claims, sid, delivery);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return new DeliveryResult(code is >= 200 and < 300, code, null, timeProvider.GetElapsedTime(started), RetryAfterOf(response));
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

    private HttpRequestMessage CreateRequest(ConfiguredClient client, string url, JsonElement claims, string? sid, LogoutDelivery delivery)
    {
        if (client.Format == LogoutFormat.KeycloakAdmin && delivery.Action is { } adminAction)
        {
            // A sign-out-all or push-revocation forwarded as Keycloak sent it, re-signed with LogoutEnricher's key.
            return new HttpRequestMessage(HttpMethod.Post, url.TrimEnd('/') + adminAction.PathSuffix)
            {
                Content = new StringContent(tokens.CreateAdminAction(client.ClientId, adminAction), Encoding.UTF8, new MediaTypeHeaderValue("text/plain")),
            };
        }

        if (client.Format == LogoutFormat.KeycloakAdmin)
        {
            // Keycloak's legacy Admin URL logout: the signed LogoutAction as the raw text/plain body of {adminUrl}/k_logout.
            // Note: a logout LogoutEnricher started itself names its reason here too (issue 12).
            var reason = claims.ValueKind == JsonValueKind.Object && claims.TryGetProperty("logout_reason", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
            var action = tokens.CreateLogoutAction(client.ClientId, sid, delivery.AppSessionIds, reason);
            return new HttpRequestMessage(HttpMethod.Post, url.TrimEnd('/') + "/k_logout")
            {
                Content = new StringContent(action, Encoding.UTF8, new MediaTypeHeaderValue("text/plain")),
            };
        }

        var logoutToken = tokens.CreateLogoutToken(claims, delivery.AppSessionIds);
        return new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", logoutToken)]),
        };
    }

    /// <summary>RFC 9110 §10.2.3: delay-seconds or an HTTP date.</summary>
    private TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - timeProvider.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
