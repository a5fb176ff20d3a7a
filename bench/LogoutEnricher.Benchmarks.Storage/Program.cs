using System.Globalization;
using LogoutEnricher.Benchmarks.Storage;

// Usage: dotnet run -c Release --project bench/LogoutEnricher.Benchmarks.Storage -- [count] [sqlite,redis,postgresql]
// Redis and PostgreSQL come from LOGOUTENRICHER_TEST_REDIS / LOGOUTENRICHER_TEST_POSTGRES (see .ci/services).
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var backends = (args.Length > 1 ? args[1] : "sqlite,redis,postgresql").Split(',', StringSplitOptions.RemoveEmptyEntries);

Console.WriteLine($"Loading {count:N0} mappings (1 app session each) per backend, {Environment.ProcessorCount} cores.");
Console.WriteLine("| backend | mappings | insert rate (mappings/s) | lookup p50 | lookup p99 | bytes per mapping |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
foreach (var name in backends)
{
    await using var backend = Backend.Open(name);
    var result = await StorageBenchmark.RunAsync(backend, count);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {count:N0} | {result.InsertRate:N0} | {result.P50.TotalMilliseconds:F3} ms | {result.P99.TotalMilliseconds:F3} ms | {result.BytesPerMapping:N0} |"));
}
