using System.Text.Json;
using LogoutEnricher.Delivery.Formats;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Protocol.Providers;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery;

/// <summary>
/// POSTs an enriched logout to an application in its format (<see cref="ILogoutFormat"/>), minting a fresh token for
/// every attempt. The target comes only from configuration, never from the token, so LogoutEnricher cannot be turned
/// into an open proxy.
/// </summary>
internal sealed class LogoutDeliverer(
    IHttpClientFactory httpClientFactory,
    LogoutFormats formats,
    IOptions<DeliveryOptions> options,
    TimeProvider timeProvider,
    LogoutEnricherMetrics metrics,
    AuditLog audit)
{
    public const string HttpClientName = "LogoutEnricher.Delivery";

    /// <param name="claims">The provider's validated logout token claims.</param>
    /// <param name="sid">The provider's session id, for the legacy format's <c>keycloakSessionIds</c>.</param>
    /// <param name="trail">Where the attempt goes in the logout trail, or null.</param>
    public async Task<DeliveryResult> DeliverAsync(ConfiguredClient client, JsonElement claims, string? sid, LogoutDelivery delivery, DeliveryTrail? trail, CancellationToken cancellationToken)
    {
        var result = await SendAsync(client, claims, sid, delivery, cancellationToken);
        metrics.DeliveryCompleted(client, result);
        audit.LogoutDelivered(client, Hosting.Security.SidHash.Of(sid), delivery.AppSessionIds.Count, result, trail);
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

        using var request = formats.For(client).CreateRequest(client, url, new DeliveryContent(claims, sid, delivery.AppSessionIds, delivery.Action));
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

    /// <summary>RFC 9110 §10.2.3: delay-seconds or an HTTP date.</summary>
    private TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - timeProvider.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
