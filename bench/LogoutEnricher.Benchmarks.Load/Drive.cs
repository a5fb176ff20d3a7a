using System.Diagnostics;

namespace LogoutEnricher.Benchmarks.Load;

/// <summary>What one run of requests came to; latencies in milliseconds, measured from the moment a request was sent.</summary>
internal sealed record RunResult(int Requests, int Failed, TimeSpan Elapsed, double[] Latencies)
{
    public double Throughput => Requests / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (Latencies.Length == 0)
        {
            return double.NaN;
        }

        var sorted = Latencies.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
    }
}

/// <summary>Two ways to send: as fast as the target takes (closed loop) and at a fixed rate (open loop).</summary>
internal static class Drive
{
    /// <param name="send">Sends request number n; true when it got the expected answer.</param>
    public static async Task<RunResult> SaturateAsync(int requests, int concurrency, Func<int, Task<bool>> send)
    {
        var latencies = new double[requests];
        var failed = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < requests)
            {
                var sent = Stopwatch.GetTimestamp();
                if (!await send(n))
                {
                    Interlocked.Increment(ref failed);
                }

                latencies[n] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }
        }));
        return new RunResult(requests, failed, clock.Elapsed, latencies);
    }

    /// <summary>
    /// Request n is due at n / rate seconds and is sent then whether or not earlier ones have answered, as a provider
    /// sends logouts. The scheduler wakes every millisecond and sends whatever is due.
    /// </summary>
    public static async Task<RunResult> FixedRateAsync(int rate, int requests, Func<int, Task<bool>> send)
    {
        var latencies = new double[requests];
        var failed = 0;
        var inFlight = new List<Task>(requests);
        var start = Stopwatch.GetTimestamp();
        for (var n = 0; n < requests; n++)
        {
            var due = start + (long)((double)n * Stopwatch.Frequency / rate);
            while (Stopwatch.GetTimestamp() < due)
            {
                await Task.Delay(1);
            }

            var index = n;
            inFlight.Add(Task.Run(async () =>
            {
                var sent = Stopwatch.GetTimestamp();
                if (!await send(index))
                {
                    Interlocked.Increment(ref failed);
                }

                latencies[index] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }));
        }

        await Task.WhenAll(inFlight);
        return new RunResult(requests, failed, Stopwatch.GetElapsedTime(start), latencies);
    }
}
