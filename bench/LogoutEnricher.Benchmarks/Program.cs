using BenchmarkDotNet.Running;

// The hot pieces of both paths, in process. Usage: LogoutEnricher.Benchmarks [--filter *Logout*] [--job Dry]
// (any BenchmarkDotNet command-line option). Every class carries [MemoryDiagnoser]: "Allocated" is per operation.
BenchmarkSwitcher.FromAssembly(typeof(LogoutEnricher.Benchmarks.LogoutBenchmarks).Assembly).Run(args);
