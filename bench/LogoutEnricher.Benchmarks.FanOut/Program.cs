using System.Diagnostics;
using System.Globalization;
using System.Net;
using LogoutEnricher.Benchmarks.Burst;
using LogoutEnricher.Benchmarks.Load;
using LogoutEnricher.Testing;

// Fan-out: N captured sessions of one client, then Keycloak's realm "Sign out all active sessions" (a LogoutAction with
// notBefore pushed to the client's Admin URL on LogoutEnricher). While the fan-out runs, a second client's users log
// out one by one (Keycloak's back-channel logouts, --probe-rate per second), to show that a mass logout does not
// starve single logouts. Prints how long Keycloak waited for the push's answer, the time until the last session's
// logout reached the (local) application, the sidecars' CPU time and peak memory during the fan-out, the single
// logouts' latency, and lost/duplicated deliveries.
// Usage: LogoutEnricher.Benchmarks.FanOut [--sessions 100000] [--backend sqlite|redis|postgresql] [--replicas 1]
//   [--concurrency 32] [--per-client 4] [--algorithm RS256|ES256] [--probe-rate 20] [--sidecar PATH] [--sidecar-env NAME=VALUE ...]
// (redis and postgresql read LOGOUTENRICHER_BENCH_REDIS / LOGOUTENRICHER_BENCH_POSTGRES, as bench/services.sh sets them.)
var sessions = Option("--sessions", 100_000);
var concurrency = Option("--concurrency", 32);
var perClient = Option("--per-client", 16);
var replicas = Option("--replicas", 1);
var probeRate = Option("--probe-rate", 20);
var algorithm = TextOption("--algorithm", "RS256");
var backend = TextOption("--backend", "sqlite");
const string Client = "app-1";
const string ProbeClient = "app-probe";

if (replicas > 1 && backend == "sqlite")
{
    Console.Error.WriteLine("--replicas needs a shared backend (--backend redis or postgresql).");
    return 2;
}

await using var keycloak = await FakeKeycloak.StartAsync();
await using var app = await CountingApplication.StartAsync(0);
await using var probeApp = await CountingApplication.StartAsync(0);
var data = Directory.CreateTempSubdirectory("logoutenricher-fanout-").FullName;
var isolation = $"fanout{Environment.ProcessId}";
var environment = new Dictionary<string, string>
{
    ["LogoutEnricher__Upstream__BaseUrl"] = keycloak.BaseUrl.ToString(),
    ["LogoutEnricher__Issuers__demo__Issuer"] = keycloak.Issuer,
    [$"LogoutEnricher__Issuers__demo__Clients__{Client}__LogoutUrl"] = app.LogoutUrl,
    [$"LogoutEnricher__Issuers__demo__Clients__{ProbeClient}__LogoutUrl"] = probeApp.LogoutUrl,
    ["LogoutEnricher__Delivery__Mode"] = "Queued",
    ["LogoutEnricher__Signing__Algorithm"] = algorithm,
    // Delivery:MaxParallelismPerClient: one application receives every delivery of the fan-out.
    ["LogoutEnricher__Delivery__MaxParallelismPerClient"] = perClient.ToString(CultureInfo.InvariantCulture),
    // Seeding is not what is measured: the capture's per-client rate limit would only slow it down.
    ["LogoutEnricher__RateLimiting__Capture__PermitsPerSecond"] = "0",
    ["LogoutEnricher__RateLimiting__Logout__PermitsPerSecond"] = "0",
    // Note: per-delivery information logs would measure the console, not the sidecar.
    ["Serilog__MinimumLevel__Default"] = "Warning",
};
switch (backend)
{
    case "redis":
        environment["LogoutEnricher__Storage__Provider"] = "Redis";
        environment["LogoutEnricher__Storage__Redis__Configuration"] = Required("LOGOUTENRICHER_BENCH_REDIS");
        environment["LogoutEnricher__Storage__Redis__KeyPrefix"] = isolation + ":";
        break;
    case "postgresql":
        environment["LogoutEnricher__Storage__Provider"] = "PostgreSql";
        environment["LogoutEnricher__Storage__PostgreSql__ConnectionString"] = Required("LOGOUTENRICHER_BENCH_POSTGRES");
        environment["LogoutEnricher__Storage__PostgreSql__Schema"] = isolation;
        break;
    case "sqlite":
        environment["LogoutEnricher__Storage__Sqlite__Path"] = Path.Combine(data, "logoutenricher.db");
        break;
    default:
        Console.Error.WriteLine($"--backend {backend}: use sqlite, redis or postgresql.");
        return 2;
}

// --sidecar PATH: a published sidecar (its LogoutEnricher.dll or self-contained executable) instead of the build output.
var program = TextOption("--sidecar", "") is { Length: > 0 } path ? path : null;

// --sidecar-env NAME=VALUE (repeatable): an A/B knob for the sidecar process (a setting, a runtime variable).
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--sidecar-env" && args[i + 1].Split('=', 2) is [var name, var value])
    {
        environment[name] = value;
    }
}

if (backend != "sqlite")
{
    // Shared backends refuse to start without an explicit key (replicas must share it).
    environment["LogoutEnricher__Storage__EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}

var sidecars = new List<SidecarProcess>();
try
{
    for (var i = 0; i < replicas; i++)
    {
        // Note: one after the other, so the first one creates the schema and the signing key the others then share.
        var sidecar = new SidecarProcess(new Dictionary<string, string>(environment) { ["LogoutEnricher__Delivery__ReplicaId"] = $"replica-{i + 1}" }, program);
        sidecars.Add(sidecar);
        await sidecar.StartAsync();
    }

    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = sidecars[0].BaseUrl, Timeout = TimeSpan.FromMinutes(2) };

    // Seeding (not measured): every session is captured through the token endpoint, as in production; the probe
    // client's sessions too, enough for the single logouts sent during the fan-out.
    var probes = Math.Max(200, probeRate * 300);
    var seeding = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, sessions + probes), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (n, ct) =>
    {
        var (client, sid, appSession) = n < sessions ? (Client, $"sso-{n:D7}", $"app-session-{n:D7}") : (ProbeClient, $"probe-{n:D7}", $"probe-session-{n:D7}");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = keycloak.IssueCode(client, sub: $"user-{n % 1000:D4}", sid: sid),
            ["redirect_uri"] = "http://app.test/cb", ["client_id"] = client, ["client_secret"] = "secret", ["client_session_state"] = appSession,
        });
        using var response = await http.PostAsync($"/realms/{The.Realm}/protocol/openid-connect/token", form, ct);
        response.EnsureSuccessStatusCode();
    });
    Console.WriteLine(FormattableString.Invariant($"seeded {sessions} + {probes} captured sessions in {seeding.Elapsed.TotalSeconds:0.0} s ({(sessions + probes) / seeding.Elapsed.TotalSeconds:0}/s)"));
    // Note: each probe's token is signed when it is sent, as Keycloak does: a token signed before a long fan-out would be
    // older than Logout:MaxTokenAge (2 minutes) by the time it is sent, and refused.
    var probeSids = Enumerable.Range(sessions, probes).Select(n => $"probe-{n:D7}").ToArray();
    await Task.Delay(1100);

    Console.WriteLine($"load average before: {LoadAverage()}");
    var pids = sidecars.Select(s => s.ProcessId).ToArray();
    var cpuBefore = pids.Select(ProcessReading.CpuTime).ToArray();
    var rssBefore = pids.Select(pid => ProcessReading.ResidentMiB(pid)).ToArray();
    var peakRss = (double[])rssBefore.Clone();
    // At the peak: how much of it is file-backed (the mapped code images, shared and reclaimable) and how much anonymous
    // (the heaps: managed, native, SQLite's page caches, thread stacks).
    var peakFile = pids.Select(pid => ProcessReading.ResidentMiB(pid, "RssFile")).ToArray();
    var push = keycloak.LogoutAction(Client, DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Sign();
    var ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    using (var answer = await FakeKeycloak.PushAsync(http, $"/keycloak-admin/{Client}/k_logout", push))
    {
        answer.EnsureSuccessStatusCode();
    }

    var answered = clock.Elapsed;
    using var probing = new CancellationTokenSource();
    var probeRun = probeRate > 0 ? ProbeAsync(probeSids, probing.Token) : Task.FromResult(new List<double>());
    while (app.Delivered.Count < sessions && clock.Elapsed < TimeSpan.FromMinutes(60))
    {
        for (var i = 0; i < pids.Length; i++)
        {
            var rss = ProcessReading.ResidentMiB(pids[i]);
            if (rss > peakRss[i])
            {
                peakRss[i] = rss;
                peakFile[i] = ProcessReading.ResidentMiB(pids[i], "RssFile");
            }
        }

        await Task.Delay(100);
    }

    var lastDelivery = clock.Elapsed;
    var cpu = pids.Select((pid, i) => ProcessReading.CpuTime(pid) - cpuBefore[i]).Aggregate(TimeSpan.Zero, (a, b) => a + b);
    var ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpuBefore;
    await probing.CancelAsync();
    var latencies = await probeRun;
    Console.WriteLine($"load average after: {LoadAverage()}");
    await Task.Delay(1000);
    var duplicates = app.Delivered.Values.Sum(count => count - 1);
    var lost = sessions - app.Delivered.Count;
    Console.WriteLine(FormattableString.Invariant(
        $"machine: {Environment.ProcessorCount} CPUs; sessions: {sessions} of one client; backend {backend}, {replicas} replica(s), Queued; Delivery:MaxParallelismPerClient {perClient}; Signing:Algorithm {algorithm}"));
    Console.WriteLine(FormattableString.Invariant($"Keycloak's push answered in {answered.TotalMilliseconds:0} ms (job stored)"));
    Console.WriteLine(FormattableString.Invariant($"last delivery after {lastDelivery.TotalSeconds:0.0} s = {app.Delivered.Count / lastDelivery.TotalSeconds:0} sessions/s"));
    Console.WriteLine(FormattableString.Invariant(
        $"sidecar CPU: {cpu.TotalSeconds:0.0} s = {cpu.TotalMilliseconds / sessions:0.000} ms per session ({cpu / lastDelivery:P0} of one core)"));
    Console.WriteLine(FormattableString.Invariant(
        $"this harness' CPU (the applications, the fake Keycloak, the probes): {ownCpu.TotalMilliseconds / sessions:0.000} ms per session ({ownCpu / lastDelivery:P0} of one core)"));
    Console.WriteLine(FormattableString.Invariant(
        $"resident memory during the fan-out: before {string.Join(" / ", rssBefore.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))} MiB, peak {string.Join(" / ", peakRss.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))} MiB (per replica), of which file-backed {string.Join(" / ", peakFile.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))} MiB"));
    if (latencies.Count > 0)
    {
        latencies.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"single back-channel logouts during the fan-out: {latencies.Count} at {probeRate}/s, p50 {Percentile(latencies, 0.50):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms, max {latencies[^1]:0.0} ms"));
    }

    Console.WriteLine(FormattableString.Invariant($"delivered: {app.Delivered.Count}, lost: {lost}, duplicates: {duplicates}"));
    return lost == 0 ? 0 : 1;

    // Open loop: a logout is sent when it is due, whether or not the previous one was answered.
    async Task<List<double>> ProbeAsync(string[] sids, CancellationToken stop)
    {
        var measured = new List<double>();
        var sent = new List<Task>();
        var started = Stopwatch.StartNew();
        for (var n = 0; n < sids.Length && !stop.IsCancellationRequested; n++)
        {
            var due = TimeSpan.FromSeconds((double)n / probeRate);
            if (due > started.Elapsed)
            {
                try
                {
                    await Task.Delay(due - started.Elapsed, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var token = keycloak.LogoutToken(ProbeClient, sid: sids[n]).Sign();
            var replica = sidecars[n % sidecars.Count].BaseUrl;
            sent.Add(Task.Run(async () =>
            {
                var one = Stopwatch.StartNew();
                using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", token)]);
                using var response = await http.PostAsync(new Uri(replica, "backchannel-logout"), form, CancellationToken.None);
                var elapsed = one.Elapsed.TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"A single logout during the fan-out was answered {(int)response.StatusCode}.");
                }

                lock (measured)
                {
                    measured.Add(elapsed);
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(sent);
        return measured;
    }
}
finally
{
    foreach (var sidecar in sidecars)
    {
        await sidecar.DisposeAsync();
    }

    try
    {
        Directory.Delete(data, recursive: true);
    }
    catch (IOException)
    {
    }
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

static string Required(string variable) =>
    Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{variable} is not set: source bench/services.sh first (bench/run.sh fanout does).");

string TextOption(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
