using System.Text;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Operations.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LogoutEnricher.Tests;

public sealed class ScrapeGateTests
{
    private readonly RecordingLogger _logger = new();

    [Fact]
    public async Task InvokeAsync_ManyScrapesAtOnce_TheExporterSeesOneAtATime()
    {
        var gate = new ScrapeGate(_logger);
        var inside = 0;
        var mostInside = 0;
        RequestDelegate exporter = async context =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref mostInside, now);
            await Task.Delay(2);
            Interlocked.Decrement(ref inside);
            await WriteMetricsAsync(context);
        };

        var scrapes = Enumerable.Range(0, 16).Select(_ => Task.Run(() => gate.InvokeAsync(new DefaultHttpContext(), exporter))).ToArray();
        await Task.WhenAll(scrapes);

        Assert.Equal(1, mostInside);
    }

    [Fact]
    public async Task InvokeAsync_TheExporterFailsOnce_TheScrapeIsAnsweredWithTheMetrics()
    {
        var gate = new ScrapeGate(_logger);
        var calls = 0;
        var context = Scrape();

        await gate.InvokeAsync(context, c => ++calls == 1 ? FailAsync(c) : WriteMetricsAsync(c));

        Assert.Equal(2, calls);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal("logoutenricher_up 1\n", Body(context));
        Assert.Empty(_logger.EventIds);
    }

    [Fact]
    public async Task InvokeAsync_TheExporterFailsTwice_500AndAnErrorLogged()
    {
        var gate = new ScrapeGate(_logger);
        var calls = 0;
        var context = Scrape();

        await gate.InvokeAsync(context, c => { calls++; return FailAsync(c); });

        Assert.Equal(2, calls);
        Assert.Equal(StatusCodes.Status500InternalServerError, context.Response.StatusCode);
        Assert.Equal([EventIds.MetricsScrapeFailed], _logger.EventIds);
    }

    [Fact]
    public async Task InvokeAsync_TheScraperLeavesWhileAnotherScrapes_ItIsNotCollectedForAndTheGateStaysUsable()
    {
        var gate = new ScrapeGate(_logger);
        var release = new TaskCompletionSource();
        var calls = 0;
        var first = gate.InvokeAsync(Scrape(), async c => { Interlocked.Increment(ref calls); await release.Task; await WriteMetricsAsync(c); });
        using var leaves = new CancellationTokenSource();
        var waiting = Scrape();
        waiting.RequestAborted = leaves.Token;

        var second = gate.InvokeAsync(waiting, c => { Interlocked.Increment(ref calls); return WriteMetricsAsync(c); });
        await leaves.CancelAsync();
        await second;
        release.SetResult();
        await first;
        var third = Scrape();
        await gate.InvokeAsync(third, WriteMetricsAsync);

        Assert.Equal(1, calls);
        Assert.Equal("logoutenricher_up 1\n", Body(third));
    }

    [Fact]
    public async Task InvokeAsync_AScraperReadsSlowly_AnotherScrapeIsAnsweredMeanwhile()
    {
        var gate = new ScrapeGate(_logger);
        var slowClient = new StalledStream();
        var slow = new DefaultHttpContext();
        slow.Response.Body = slowClient;
        var first = gate.InvokeAsync(slow, WriteMetricsAsync);
        await slowClient.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        var other = Scrape();
        await gate.InvokeAsync(other, WriteMetricsAsync).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        slowClient.Release.SetResult();
        await first;

        Assert.Equal("logoutenricher_up 1\n", Body(other));
        Assert.Equal("logoutenricher_up 1\n", Encoding.UTF8.GetString(slowClient.ToArray()));
    }

    [Fact]
    public async Task InvokeAsync_TheFailedAttemptSetHeaders_TheAnswerCarriesOnlyThoseOfTheAttemptThatSucceeded()
    {
        var gate = new ScrapeGate(_logger);
        var calls = 0;
        var context = Scrape();

        await gate.InvokeAsync(context, c =>
        {
            c.Response.Headers.Append("Vary", "Accept");
            c.Response.Headers.ContentType = "text/plain";
            return ++calls == 1 ? FailAsync(c) : WriteMetricsAsync(c);
        });

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(["Accept"], context.Response.Headers.Vary.ToArray());
        Assert.Equal("logoutenricher_up 1\n", Body(context));
    }

    [Fact]
    public async Task InvokeAsync_TheGateIsHeldLongerThanTheScraperWaits_TheScrapeGoesToTheExporterWithoutIt()
    {
        var gate = new ScrapeGate(_logger);
        var release = new TaskCompletionSource();
        var held = gate.InvokeAsync(Scrape(), async c => { await release.Task; await WriteMetricsAsync(c); });
        var impatient = Scrape();
        impatient.Request.Headers["X-Prometheus-Scrape-Timeout-Seconds"] = "0.2";

        await gate.InvokeAsync(impatient, WriteMetricsAsync).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        release.SetResult();
        await held;

        Assert.Equal("logoutenricher_up 1\n", Body(impatient));
    }

    private static DefaultHttpContext Scrape()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static Task FailAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return Task.CompletedTask;
    }

    private static Task WriteMetricsAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        return context.Response.Body.WriteAsync("logoutenricher_up 1\n"u8.ToArray()).AsTask();
    }

    private static string Body(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    /// <summary>A client that stops reading: its first write waits until the test lets it go on.</summary>
    private sealed class StalledStream : MemoryStream
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reached.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            await base.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    private sealed class RecordingLogger : ILogger<ScrapeGate>
    {
        private readonly List<int> _eventIds = [];

        public IReadOnlyList<int> EventIds
        {
            get { lock (_eventIds) { return [.. _eventIds]; } }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_eventIds)
            {
                _eventIds.Add(eventId.Id);
            }
        }
    }
}
