using static System.FormattableString;

namespace LogoutEnricher.Benchmarks.Load;

/// <summary>Prints the runs as Markdown tables, plus the ratios the performance targets are stated in.</summary>
internal static class Report
{
    public static void Print(List<Measured> results, List<(string Mode, TimeSpan Ready, double IdleMiB)> startups, double referenceMs, int rate, int concurrency)
    {
        Console.WriteLine();
        Console.WriteLine(Invariant($"Saturation runs use {concurrency} concurrent senders; fixed-rate runs send {rate} requests/s. Latency from send to answer."));
        Console.WriteLine();
        Console.WriteLine("| run | requests | failed | throughput (/s) | p50 (ms) | p99 (ms) | max (ms) | CPU per request (ms) | peak RSS (MiB) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var cpu = r.Name.Contains("direct", StringComparison.Ordinal) ? "(load generator)" : Invariant($"{r.CpuPerRequestMs:0.000}");
            var rss = r.Name.Contains("direct", StringComparison.Ordinal) ? "" : Invariant($"{r.RssMiB:0}");
            Console.WriteLine(Invariant($"| {r.Name} | {r.Run.Requests} | {r.Run.Failed} | {r.Run.Throughput:0} | {r.Run.Percentile(50):0.00} | {r.Run.Percentile(99):0.00} | {r.Run.Percentile(100):0.00} | {cpu} | {rss} |"));
        }

        Console.WriteLine();
        Console.WriteLine("| ratio | value | target |");
        Console.WriteLine("|---|---|---|");
        foreach (var mode in new[] { "Synchronous", "Queued" })
        {
            foreach (var kind in new[] { "saturation", $"{rate}/s" })
            {
                if (Find(results, $"logout {mode} ({kind})") is { } logout)
                {
                    Console.WriteLine(Invariant($"| CPU per logout, {mode}, {kind} / (verify + sign RS256 = {referenceMs:0.000} ms) | {logout.CpuPerRequestMs / referenceMs:0.00}x ({logout.CpuPerRequestMs:0.000} ms) | ≤ 1.5x |"));
                }
            }
        }

        foreach (var kind in new[] { "saturation", $"{rate}/s" })
        {
            if (Find(results, $"capture: LogoutEnricher ({kind})") is { } capture && Find(results, $"capture: bare YARP forwarder ({kind})") is { } bare)
            {
                Console.WriteLine(Invariant($"| capture CPU per request / bare YARP, {kind} | {capture.CpuPerRequestMs / bare.CpuPerRequestMs:0.00}x ({capture.CpuPerRequestMs:0.000} vs {bare.CpuPerRequestMs:0.000} ms) | ≤ 1.3x |"));
            }
        }

        if (Find(results, $"capture: LogoutEnricher ({rate}/s)") is { } sidecar && Find(results, $"capture: direct to upstream ({rate}/s)") is { } direct
            && Find(results, $"capture: bare YARP forwarder ({rate}/s)") is { } bareAtRate)
        {
            Console.WriteLine(Invariant($"| capture added latency over direct, p50 / p99 | {sidecar.Run.Percentile(50) - direct.Run.Percentile(50):0.000} / {sidecar.Run.Percentile(99) - direct.Run.Percentile(99):0.000} ms | p50 < 0.5 ms |"));
            Console.WriteLine(Invariant($"| bare YARP added latency over direct, p50 / p99 | {bareAtRate.Run.Percentile(50) - direct.Run.Percentile(50):0.000} / {bareAtRate.Run.Percentile(99) - direct.Run.Percentile(99):0.000} ms | (reference) |"));
        }

        if (Find(results, $"logout Synchronous ({rate}/s)") is { } synchronous)
        {
            Console.WriteLine(Invariant($"| logout p99 at {rate}/s, Synchronous delivery to a local app | {synchronous.Run.Percentile(99):0.00} ms | < 20 ms |"));
        }

        foreach (var (mode, ready, idle) in startups)
        {
            Console.WriteLine(Invariant($"| start to first 200 on /health/ready ({mode} run, SQLite) | {ready.TotalMilliseconds:0} ms | < 1000 ms |"));
            Console.WriteLine(Invariant($"| resident memory idle, after ready ({mode} run) | {idle:0} MiB | |"));
        }
    }

    /// <summary>
    /// The same-run comparison with mod_auth_openidc: CPU per token of each, the RS256 verify + sign reference, and
    /// what LogoutEnricher spends beyond that unavoidable crypto, as a multiple of mod_auth_openidc's whole cost.
    /// </summary>
    public static void PrintAnchor(List<Measured> results, double referenceMs)
    {
        var rows = new[] { ("Synchronous", 1.0), ("Queued", 1.3) }
            .Select(mode => (Mode: mode.Item1, Target: mode.Item2,
                Anchor: Find(results, $"mod_auth_openidc, tokens of logout {mode.Item1} (saturation)"),
                Sidecar: Find(results, $"logout {mode.Item1} (saturation)")))
            .Where(row => row.Anchor is not null && row.Sidecar is not null)
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("Same tokens, same driver, same run (saturation):");
        Console.WriteLine();
        Console.WriteLine("| mode | mod_auth_openidc CPU per token (ms) | LogoutEnricher CPU per token (ms) | RS256 verify + sign (ms) | beyond-crypto ratio (LogoutEnricher − crypto) / mod_auth_openidc | target |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            var anchor = row.Anchor!.CpuPerRequestMs;
            var sidecar = row.Sidecar!.CpuPerRequestMs;
            Console.WriteLine(Invariant($"| {row.Mode} | {anchor:0.000} | {sidecar:0.000} | {referenceMs:0.000} | {(sidecar - referenceMs) / anchor:0.00}x | ≤ {row.Target:0.0}x |"));
        }
    }

    private static Measured? Find(List<Measured> results, string name) => results.FirstOrDefault(r => r.Name == name);
}
