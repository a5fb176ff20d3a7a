using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using LogoutEnricher.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace LogoutEnricher.Operations.Telemetry;

/// <summary>
/// Stands in front of OpenTelemetry's Prometheus exporter: one scrape at a time reaches it. The exporter shares a
/// collection between concurrent scrapes and, when such scrapes race (a collection completing while another joins
/// it, readers of the last answer still draining), can give up with a bare 500 and expect the scraper to retry; a
/// scraper is no reason for a 5xx. Queued scrapes are cheap: the exporter answers them from the collection it has
/// just made (<c>ScrapeResponseCacheDurationMilliseconds</c>). The exporter writes into memory and the scraper reads
/// from there after the gate is released, so a scraper that reads slowly holds up no other; a scrape that still waits
/// longer than its scraper would (<c>X-Prometheus-Scrape-Timeout-Seconds</c>, else <see cref="DefaultWait"/>) goes to
/// the exporter without the gate. A failed collection is tried once more; a second failure is a defect of ours and
/// stays a 500, logged.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore never allocates a wait handle (only WaitAsync is used); disposing it while a scrape is inside would fail that scrape.")]
internal sealed partial class ScrapeGate(ILogger<ScrapeGate> logger)
{
    /// <summary>How long a scrape waits for the gate when its scraper names no timeout.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(5);

    private const int SliceBytes = 64 * 1024;

    private readonly SemaphoreSlim _one = new(1, 1);

    public async Task InvokeAsync(HttpContext context, RequestDelegate exporter)
    {
        bool gated;
        try
        {
            gated = await _one.WaitAsync(Wait(context.Request), context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The scraper left while it waited: nobody to answer.
            return;
        }

        var client = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var body = new MemoryStream();
        try
        {
            context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(body));
            var headersBefore = context.Response.Headers.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
            await exporter(context);
            if (CollectionFailed(context.Response))
            {
                // Note: whatever the failed attempt set (content type, encoding, Last-Modified) goes with it.
                foreach (var header in context.Response.Headers.Keys.Where(h => !headersBefore.Contains(h)).ToList())
                {
                    context.Response.Headers.Remove(header);
                }

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
            if (gated)
            {
                _one.Release();
            }
        }

        await WriteAsync(context, client.Writer, body);
    }

    /// <summary>The answer in slices, so the server holds no more of it at a time than a slow reader has room for.</summary>
    private static async Task WriteAsync(HttpContext context, System.IO.Pipelines.PipeWriter client, MemoryStream body)
    {
        var length = (int)body.Length;
        if (length == 0)
        {
            return;
        }

        context.Response.ContentLength = length;
        var bytes = body.GetBuffer();
        for (var offset = 0; offset < length; offset += SliceBytes)
        {
            var written = await client.WriteAsync(bytes.AsMemory(offset, Math.Min(SliceBytes, length - offset)), context.RequestAborted);
            if (written.IsCompleted || written.IsCanceled)
            {
                return;
            }
        }
    }

    private static TimeSpan Wait(HttpRequest request) =>
        request.Headers.TryGetValue("X-Prometheus-Scrape-Timeout-Seconds", out var value)
        && double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 300
            ? TimeSpan.FromSeconds(seconds)
            : DefaultWait;

    // Note: the exporter answers a failed collection with 500 and nothing written.
    private static bool CollectionFailed(HttpResponse response) =>
        response.StatusCode == StatusCodes.Status500InternalServerError && !response.HasStarted;

    [LoggerMessage(EventId = EventIds.MetricsScrapeFailed, EventName = nameof(EventIds.MetricsScrapeFailed), Level = LogLevel.Error,
        Message = "A metrics scrape failed twice in a row: the exporter could not collect (its own events, in the EventSource OpenTelemetry-Exporter-Prometheus, say why)")]
    private static partial void LogScrapeFailed(ILogger logger);
}
