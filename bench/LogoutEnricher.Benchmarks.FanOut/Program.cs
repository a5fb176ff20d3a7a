using System.Diagnostics;
using System.Globalization;
using LogoutEnricher.Benchmarks.Burst;
using LogoutEnricher.Benchmarks.Load;
using LogoutEnricher.Testing;

// Fan-out: N captured sessions of one client, then Keycloak's realm "Sign out all active sessions" (a LogoutAction with
// notBefore pushed to the client's Admin URL on LogoutEnricher). Prints how long Keycloak waited for the answer, the
// time until the last session's logout reached the (local) application, the sidecar's CPU time and peak memory, and
// lost/duplicated deliveries. Usage: LogoutEnricher.Benchmarks.FanOut [--sessions 100000] [--concurrency 32] [--per-client 4] [--algorithm RS256|ES256]
var sessions = Option("--sessions", 100_000);
var concurrency = Option("--concurrency", 32);
var perClient = Option("--per-client", 4);
var algorithm = TextOption("--algorithm", "RS256");
const string Client = "app-1";

await using var keycloak = await FakeKeycloak.StartAsync();
await using var app = await CountingApplication.StartAsync(0);
var data = Directory.CreateTempSubdirectory("logoutenricher-fanout-").FullName;
var environment = new Dictionary<string, string>
{
    ["LogoutEnricher__Upstream__BaseUrl"] = keycloak.BaseUrl.ToString(),
    ["LogoutEnricher__Issuers__demo__Issuer"] = keycloak.Issuer,
    [$"LogoutEnricher__Issuers__demo__Clients__{Client}__LogoutUrl"] = app.LogoutUrl,
    ["LogoutEnricher__Storage__Sqlite__Path"] = Path.Combine(data, "logoutenricher.db"),
    ["LogoutEnricher__Delivery__Mode"] = "Queued",
    ["LogoutEnricher__Signing__Algorithm"] = algorithm,
    // Delivery:MaxParallelismPerClient: one application receives every delivery of the fan-out.
    ["LogoutEnricher__Delivery__MaxParallelismPerClient"] = perClient.ToString(CultureInfo.InvariantCulture),
    // Note: per-delivery information logs would measure the console, not the sidecar.
    ["Serilog__MinimumLevel__Default"] = "Warning",
};

await using var sidecar = new SidecarProcess(environment);
await sidecar.StartAsync();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = sidecar.BaseUrl, Timeout = TimeSpan.FromMinutes(2) };

// Seeding (not measured): every session is captured through the token endpoint, as in production.
var seeding = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, sessions), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (n, ct) =>
{
    using var form = new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = "authorization_code", ["code"] = keycloak.IssueCode(Client, sub: $"user-{n % 1000:D4}", sid: $"sso-{n:D6}"),
        ["redirect_uri"] = "http://app.test/cb", ["client_id"] = Client, ["client_secret"] = "secret", ["client_session_state"] = $"app-session-{n:D6}",
    });
    using var response = await http.PostAsync($"/realms/{The.Realm}/protocol/openid-connect/token", form, ct);
    response.EnsureSuccessStatusCode();
});
Console.WriteLine(FormattableString.Invariant($"seeded {sessions} captured sessions in {seeding.Elapsed.TotalSeconds:0.0} s"));
await Task.Delay(1100);

var cpuBefore = ProcessReading.CpuTime(sidecar.ProcessId);
var rssBefore = ProcessReading.ResidentMiB(sidecar.ProcessId);
var push = keycloak.LogoutAction(Client, DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Sign();
var clock = Stopwatch.StartNew();
using (var answer = await FakeKeycloak.PushAsync(http, $"/keycloak-admin/{Client}/k_logout", push))
{
    answer.EnsureSuccessStatusCode();
}

var answered = clock.Elapsed;
var peakRss = rssBefore;
while (app.Delivered.Count < sessions && clock.Elapsed < TimeSpan.FromMinutes(10))
{
    peakRss = Math.Max(peakRss, ProcessReading.ResidentMiB(sidecar.ProcessId));
    await Task.Delay(100);
}

var lastDelivery = clock.Elapsed;
var cpu = ProcessReading.CpuTime(sidecar.ProcessId) - cpuBefore;
await Task.Delay(1000);
var duplicates = app.Delivered.Values.Sum(count => count - 1);
var lost = sessions - app.Delivered.Count;
Console.WriteLine(FormattableString.Invariant($"machine: {Environment.ProcessorCount} CPUs, load average {ProcessReading.LoadAverage()}; sessions: {sessions} of one client; SQLite; Delivery:MaxParallelismPerClient {perClient}; Signing:Algorithm {algorithm}"));
Console.WriteLine(FormattableString.Invariant($"Keycloak's push answered in {answered.TotalMilliseconds:0} ms (job stored)"));
Console.WriteLine(FormattableString.Invariant($"last delivery after {lastDelivery.TotalSeconds:0.0} s = {app.Delivered.Count / lastDelivery.TotalSeconds:0} sessions/s"));
Console.WriteLine(FormattableString.Invariant($"sidecar CPU: {cpu.TotalSeconds:0.0} s = {cpu.TotalMilliseconds / sessions:0.00} ms per session ({cpu / lastDelivery:P0} of one core); RSS before {rssBefore:0} MiB, peak {Math.Max(peakRss, ProcessReading.ResidentMiB(sidecar.ProcessId, "VmHWM")):0} MiB (VmHWM includes seeding)"));
Console.WriteLine(FormattableString.Invariant($"delivered: {app.Delivered.Count}, lost: {lost}, duplicates: {duplicates}"));
try
{
    Directory.Delete(data, recursive: true);
}
catch (IOException)
{
}

return lost == 0 ? 0 : 1;

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
