using LogoutEnricher.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace LogoutEnricher.Operations.Telemetry;

/// <summary>
/// Stands in front of OpenTelemetry's Prometheus exporter: one scrape at a time reaches it. The exporter shares a
/// collection between concurrent scrapes and, when such scrapes race (a collection completing while another joins
/// it, readers of the last answer still draining), gives up with a bare 500 and expects the scraper to retry; a
/// scraper is no reason for a 5xx. Queued scrapes are cheap: the exporter answers them from the collection it has
/// just made (<c>ScrapeResponseCacheDurationMilliseconds</c>). The exporter writes into memory and the scraper reads
/// from there after the gate is released, so a scraper that reads slowly holds up no other. Should a collection still
/// fail, it is tried once more; a second failure is a defect of ours and stays a 500, logged.
/// </summary>
internal sealed partial class ScrapeGate(ILogger<ScrapeGate> logger) : IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);

    public async Task InvokeAsync(HttpContext context, RequestDelegate exporter)
    {
        try
        {
            await _one.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The scraper left while it waited: nobody to answer.
            return;
        }

        var client = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        using var body = new MemoryStream();
        try
        {
            context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
            await exporter(context);
            if (CollectionFailed(context.Response))
            {
                body.SetLength(0);
                context.Response.StatusCode = StatusCodes.Status200OK;
                await exporter(context);
                if (CollectionFailed(context.Response))
                {
                    LogScrapeFailed(logger);
                }
            }
        }
        finally
        {
            context.Features.Set(client);
            _one.Release();
        }

        if (body.Length > 0)
        {
            context.Response.ContentLength = body.Length;
            await client.Writer.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted);
        }
    }

    public void Dispose() => _one.Dispose();

    // Note: the exporter answers a failed collection with 500 and nothing written.
    private static bool CollectionFailed(HttpResponse response) =>
        response.StatusCode == StatusCodes.Status500InternalServerError && !response.HasStarted;

    [LoggerMessage(EventId = EventIds.MetricsScrapeFailed, EventName = nameof(EventIds.MetricsScrapeFailed), Level = LogLevel.Error,
        Message = "A metrics scrape failed twice in a row: the exporter could not collect (its own events, in the EventSource OpenTelemetry-Exporter-Prometheus, say why)")]
    private static partial void LogScrapeFailed(ILogger logger);
}
