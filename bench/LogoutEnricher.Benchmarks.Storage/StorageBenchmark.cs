using System.Diagnostics;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Benchmarks.Storage;

internal sealed record BenchmarkResult(double InsertRate, TimeSpan P50, TimeSpan P99, double BytesPerMapping);

/// <summary>
/// Loads <c>count</c> mappings with a few concurrent writers (as several captures at once would), then times single
/// lookups by key one after another (as a logout does), over keys spread across the whole data set.
/// </summary>
internal static class StorageBenchmark
{
    private const int Writers = 16;
    private const int Lookups = 20_000;
    private const string Issuer = "https://sso.example.test/realms/acme";
    private const string ClientId = "orders-app";

    public static async Task<BenchmarkResult> RunAsync(Backend backend, int count)
    {
        var sessions = backend.Sessions;
        var expiresAt = DateTimeOffset.UtcNow + TimeSpan.FromHours(10);
        var next = -1;
        var load = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                // Realistic sizes: a UUID sid, a UUID subject, a 43-character handle and an encrypted id of ~80 characters.
                await sessions.AddAsync(Key(i), Guid.NewGuid().ToString(), [new AppSession(Handle(i), Protected(i), null)], expiresAt);
            }
        })));
        load.Stop();

        // Warm-up, then the timed lookups.
        var random = new Random(42);
        for (var i = 0; i < 1000; i++)
        {
            await sessions.FindAsync(Key(random.Next(count)));
        }

        var latencies = new double[Math.Min(Lookups, Math.Max(100, count))];
        for (var i = 0; i < latencies.Length; i++)
        {
            var key = Key(random.Next(count));
            var started = Stopwatch.GetTimestamp();
            var mapping = await sessions.FindAsync(key);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (mapping is null)
            {
                throw new InvalidOperationException($"Mapping {key.Sid} was not found: the load lost data.");
            }
        }

        Array.Sort(latencies);
        return new BenchmarkResult(
            count / load.Elapsed.TotalSeconds,
            TimeSpan.FromMilliseconds(latencies[latencies.Length / 2]),
            TimeSpan.FromMilliseconds(latencies[(int)(latencies.Length * 0.99)]),
            (double)await backend.BytesUsedAsync() / count);
    }

    private static SessionKey Key(int i) => new(Issuer, ClientId, $"{i:x8}-5e6f-4a1b-8c9d-0e1f2a3b4c5d");

    private static string Handle(int i) => Convert.ToBase64String(BitConverter.GetBytes((long)i * 7919)).PadRight(43, 'h');

    private static string Protected(int i) => Convert.ToBase64String(new byte[60]).Replace("AAAA", i.ToString("x4", System.Globalization.CultureInfo.InvariantCulture)[..4], StringComparison.Ordinal);
}
