using System.Globalization;
using System.Security.Cryptography;
using LogoutEnricher.Benchmarks.Load;
using LogoutEnricher.Testing;
using static System.FormattableString;

// Load harness: LogoutEnricher as its own process (Release), a fake provider, a fast application and a fast upstream.
// Logout path at saturation and at a fixed rate in both delivery modes; capture path direct vs bare YARP vs
// LogoutEnricher; the same logout tokens also go to Apache with mod_auth_openidc, the anchor (--no-anchor skips it).
// Usage: LogoutEnricher.Benchmarks.Load [--rate 500] [--seconds 10] [--requests 3000] [--warm-up 3000] [--concurrency 32]
//        [--quick] [--no-anchor]
if (args is ["--bare-forwarder", var upstreamArg, var portArg])
{
    await BareForwarder.RunAsync(new Uri(upstreamArg), int.Parse(portArg, CultureInfo.InvariantCulture));
    return 0;
}

var quick = args.Contains("--quick");
var rate = Option("--rate", 500);
var seconds = Option("--seconds", quick ? 1 : 10);
var requests = Option("--requests", quick ? 200 : 3000);
var concurrency = Option("--concurrency", 32);
// Note: every process gets the same unmeasured saturation run first, so that the figures are of the steady state. The
// .NET processes need it: tiered compilation recompiles the hot methods, instrumented and then optimized, during the
// first thousands of requests, and a warm-up of a quarter of 1,500 requests left that in the measured run (CPU per logout
// 3.14 ms instead of 1.76-1.91 ms at 6,000 and 12,000 requests, same build). mod_auth_openidc gets the same, and needs none.
var warmUp = Option("--warm-up", quick ? requests / 4 : Math.Max(requests / 4, 3000));
var withAnchor = !args.Contains("--no-anchor");
var atRate = rate * seconds;
// Runtime settings tried on both LogoutEnricher and the bare forwarder, e.g. --runtime-env DOTNET_gcServer=0.
var runtimeEnv = args.Select((a, i) => (a, i)).Where(p => p.a == "--runtime-env" && p.i + 1 < args.Length)
    .Select(p => args[p.i + 1].Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
const string ClientId = "app-1";

Console.WriteLine(Invariant($"machine: {Environment.ProcessorCount} CPUs, {CpuModel()}, load average {ProcessReading.LoadAverage()} at start"));
Console.WriteLine(Invariant($"each process first gets {warmUp} unmeasured requests at saturation (--warm-up)"));
Console.WriteLine("runtime settings of LogoutEnricher and the bare forwarder: " + (runtimeEnv.Count == 0 ? "as built" : string.Join(", ", runtimeEnv.Select(kv => $"{kv.Key}={kv.Value}"))));
await using var keycloak = await FakeKeycloak.StartAsync();
await using var application = await FastApplication.StartAsync();
await using var upstream = await FastUpstream.StartAsync(keycloak, ClientId);
await using var bare = await BareForwarder.StartAsync(upstream.BaseUrl, runtimeEnv);
await using var anchor = withAnchor ? await ModAuthOpenidc.StartAsync(keycloak, ClientId) : null;
if (anchor is not null)
{
    Console.WriteLine("anchor: Apache httpd with mod_auth_openidc " + ModAuthOpenidc.Version() + ", one process (-X), shm cache");
}

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false });
var scenarios = new Scenarios(http, keycloak, application, ClientId);
var referenceMs = Reference.VerifyAndSignMs(keycloak.SigningKey, quick ? 200 : 2000);
Console.WriteLine(Invariant($"reference: one RS256 verify + one RS256 sign = {referenceMs:0.000} ms CPU"));

var data = Directory.CreateTempSubdirectory("logoutenricher-load-").FullName;
// One key for both runs: the Queued run decrypts the sessions the first run captured.
var encryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
SidecarProcess Sidecar(string mode) => new(new Dictionary<string, string>(runtimeEnv)
{
    ["LogoutEnricher__Upstream__BaseUrl"] = upstream.BaseUrl.ToString(),
    ["LogoutEnricher__Issuers__demo__Issuer"] = keycloak.Issuer,
    ["LogoutEnricher__Issuers__demo__Clients__" + ClientId + "__LogoutUrl"] = application.LogoutUrl,
    ["LogoutEnricher__Storage__Sqlite__Path"] = Path.Combine(data, "logoutenricher.db"),
    ["LogoutEnricher__Storage__EncryptionKey"] = encryptionKey,
    ["LogoutEnricher__Delivery__Mode"] = mode,
    // The saturation runs measure the logout path, not the rate limiter in front of it (off = 0).
    ["LogoutEnricher__RateLimiting__Logout__PermitsPerSecond"] = "0",
    // Note: per-request information logs would measure the console, not the sidecar.
    ["Serilog__MinimumLevel__Default"] = "Warning",
});
var results = new List<Measured>();
var startups = new List<(string Mode, TimeSpan Ready, double IdleMiB)>();
try
{
    // --- capture path: direct, bare YARP, LogoutEnricher (Synchronous mode; capture does not depend on it) ---
    await using (var sidecar = Sidecar("Synchronous"))
    {
        await sidecar.StartAsync();
        await Task.Delay(500);
        startups.Add(("Synchronous", sidecar.ReadyAfter, ProcessReading.ResidentMiB(sidecar.ProcessId)));
        var targets = new (string Name, Uri Url, int Pid, bool Remember)[]
        {
            ("capture: direct to upstream", upstream.BaseUrl, Environment.ProcessId, false),
            ("capture: bare YARP forwarder", bare.BaseUrl, bare.ProcessId, false),
            ("capture: LogoutEnricher", sidecar.BaseUrl, sidecar.ProcessId, true),
        };
        foreach (var target in targets)
        {
            // Warm-up: JIT, connection pools.
            await Drive.SaturateAsync(warmUp, concurrency, _ => scenarios.TokenRequestAsync(target.Url, scenarios.NewSid(), target.Remember));
        }

        foreach (var target in targets)
        {
            results.Add(await scenarios.MeasureAsync(target.Name + " (saturation)", target.Pid,
                () => Drive.SaturateAsync(requests, concurrency, _ => scenarios.TokenRequestAsync(target.Url, scenarios.NewSid(), target.Remember))));
        }

        foreach (var target in targets)
        {
            results.Add(await scenarios.MeasureAsync(Invariant($"{target.Name} ({rate}/s)"), target.Pid,
                () => Drive.FixedRateAsync(rate, atRate, _ => scenarios.TokenRequestAsync(target.Url, scenarios.NewSid(), target.Remember))));
        }

        // Enough mapped sessions for every logout that follows (not measured). A capture that is not answered 200 is
        // not a mapped session: it is said, and made up for (three rounds at most; a logout run then says what is short).
        var wanted = 2 * (requests + atRate + warmUp);
        for (var round = 1; round <= 3 && scenarios.MappedSessions.Count < wanted; round++)
        {
            var topUp = await Drive.SaturateAsync(wanted - scenarios.MappedSessions.Count, concurrency, _ => scenarios.TokenRequestAsync(sidecar.BaseUrl, scenarios.NewSid(), true));
            if (topUp.Failed > 0)
            {
                Console.WriteLine(Invariant($"setup: {topUp.Failed} of {topUp.Requests} captures were not answered 200 (round {round}); capturing more"));
            }
        }

        await RunLogoutsAsync(sidecar, "Synchronous");
    }

    await using (var sidecar = Sidecar("Queued"))
    {
        await sidecar.StartAsync();
        await Task.Delay(500);
        startups.Add(("Queued", sidecar.ReadyAfter, ProcessReading.ResidentMiB(sidecar.ProcessId)));
        await RunLogoutsAsync(sidecar, "Queued");
    }
}
finally
{
    Directory.Delete(data, recursive: true);
}

Report.Print(results, startups, referenceMs, rate, concurrency);
Report.PrintAnchor(results, referenceMs);
Console.WriteLine(Invariant($"load average at end: {ProcessReading.LoadAverage()}"));
return results.All(r => r.Run.Failed == 0) ? 0 : 1;

async Task RunLogoutsAsync(SidecarProcess sidecar, string mode)
{
    var warm = scenarios.LogoutTokens(warmUp);
    await scenarios.MeasureAsync("warm-up", sidecar.ProcessId, () => Drive.SaturateAsync(warm.Length, concurrency, n => scenarios.LogoutAsync(sidecar.BaseUrl, warm[n])), warm.Length);
    var saturation = scenarios.LogoutTokens(requests);
    if (anchor is not null)
    {
        // Note: the very same tokens, with the same driver, right before LogoutEnricher gets them.
        await scenarios.MeasureAsync("anchor warm-up", anchor.ProcessId, () => Drive.SaturateAsync(warm.Length, concurrency, n => scenarios.PostLogoutAsync(anchor.LogoutUrl, warm[n])));
        var anchored = await scenarios.MeasureAsync($"mod_auth_openidc, tokens of logout {mode} (saturation)", anchor.ProcessId,
            () => Drive.SaturateAsync(saturation.Length, concurrency, n => scenarios.PostLogoutAsync(anchor.LogoutUrl, saturation[n])));
        if (anchored.Run.Failed > 0)
        {
            Console.WriteLine("mod_auth_openidc rejected tokens; its error log ends with:\n" + anchor.ErrorLogTail());
        }

        results.Add(anchored);
    }

    results.Add(await scenarios.MeasureAsync($"logout {mode} (saturation)", sidecar.ProcessId,
        () => Drive.SaturateAsync(saturation.Length, concurrency, n => scenarios.LogoutAsync(sidecar.BaseUrl, saturation[n])), saturation.Length));
    var fixedRate = scenarios.LogoutTokens(atRate);
    results.Add(await scenarios.MeasureAsync(Invariant($"logout {mode} ({rate}/s)"), sidecar.ProcessId,
        () => Drive.FixedRateAsync(rate, fixedRate.Length, n => scenarios.LogoutAsync(sidecar.BaseUrl, fixedRate[n])), fixedRate.Length));
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static string CpuModel() =>
    File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
