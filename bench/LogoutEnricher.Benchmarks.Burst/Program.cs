using System.Diagnostics;
using System.Globalization;
using System.Net;
using LogoutEnricher.Benchmarks.Burst;
using LogoutEnricher.Storage;
using LogoutEnricher.Storage.PostgreSql;
using LogoutEnricher.Storage.Redis;
using LogoutEnricher.Storage.Sqlite;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;

// Burst delivery: N logouts accepted as fast as LogoutEnricher takes them (Queued mode), five applications, one of
// which answers 503 to half of its requests. Prints accept rate, time until the outbox is empty, lost and duplicated
// deliveries. Usage: LogoutEnricher.Benchmarks.Burst [--logouts 10000] [--concurrency 32] [--backend sqlite|redis|postgresql]
// (redis and postgresql read LOGOUTENRICHER_TEST_REDIS / LOGOUTENRICHER_TEST_POSTGRES, as .ci/services sets them).
var logouts = Option("--logouts", 10_000);
var concurrency = Option("--concurrency", 32);
var backend = TextOption("--backend", "sqlite");
const int Applications = 5;

await using var keycloak = await FakeKeycloak.StartAsync();
var apps = new List<CountingApplication>();
for (var i = 0; i < Applications; i++)
{
    apps.Add(await CountingApplication.StartAsync(i == Applications - 1 ? 0.5 : 0));
}

var data = Directory.CreateTempSubdirectory("logoutenricher-burst-").FullName;
var database = Path.Combine(data, "logoutenricher.db");
var environment = new Dictionary<string, string>
{
    ["LogoutEnricher__Upstream__BaseUrl"] = keycloak.BaseUrl.ToString(),
    ["LogoutEnricher__Issuers__demo__Issuer"] = keycloak.Issuer,
    ["LogoutEnricher__Delivery__Mode"] = "Queued",
    ["LogoutEnricher__Delivery__InitialBackoff"] = "00:00:00.100",
    // The burst measures the outbox at saturation, not the rate limiter in front of it.
    ["LogoutEnricher__RateLimiting__Logout__PermitsPerSecond"] = "0",
    ["LogoutEnricher__Delivery__MaxBackoff"] = "00:00:02",
    // Note: per-logout information logs would measure the console, not the sidecar.
    ["Serilog__MinimumLevel__Default"] = "Warning",
};
for (var i = 0; i < Applications; i++)
{
    environment[$"LogoutEnricher__Issuers__demo__Clients__app-{i + 1}__LogoutUrl"] = apps[i].LogoutUrl;
}

// The outbox depth is read through the same storage registration the sidecar uses, so every backend is measured alike.
var storage = new ServiceCollection().AddSingleton(TimeProvider.System);
var isolation = $"burst{Environment.ProcessId}";
switch (backend)
{
    case "redis":
        var redis = Required("LOGOUTENRICHER_TEST_REDIS");
        environment["LogoutEnricher__Storage__Provider"] = "Redis";
        environment["LogoutEnricher__Storage__Redis__Configuration"] = redis;
        environment["LogoutEnricher__Storage__Redis__KeyPrefix"] = isolation + ":";
        storage.AddRedisStorage(o => (o.Configuration, o.KeyPrefix) = (redis, isolation + ":"));
        break;
    case "postgresql":
        var postgres = Required("LOGOUTENRICHER_TEST_POSTGRES");
        environment["LogoutEnricher__Storage__Provider"] = "PostgreSql";
        environment["LogoutEnricher__Storage__PostgreSql__ConnectionString"] = postgres;
        environment["LogoutEnricher__Storage__PostgreSql__Schema"] = isolation;
        storage.AddPostgreSqlStorage(o => (o.ConnectionString, o.Schema) = (postgres, isolation));
        break;
    default:
        environment["LogoutEnricher__Storage__Sqlite__Path"] = database;
        storage.AddSqliteStorage(o => o.Path = database);
        break;
}

if (backend != "sqlite")
{
    // Shared backends refuse to start without an explicit key (replicas must share it).
    environment["LogoutEnricher__Storage__EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}

await using var storageServices = storage.BuildServiceProvider();
var outbox = storageServices.GetRequiredService<IOutboxStore>();

await using var sidecar = new SidecarProcess(environment);
await sidecar.StartAsync();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = sidecar.BaseUrl };
var work = Enumerable.Range(0, logouts).Select(n => (Client: $"app-{(n % Applications) + 1}", Sid: $"sso-{n:D6}", AppSessionId: $"app-session-{n:D6}")).ToArray();

// Every logout names one captured application session, as in production.
await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, ct) =>
{
    using var form = new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = "authorization_code", ["code"] = keycloak.IssueCode(item.Client, sid: item.Sid), ["redirect_uri"] = "http://app.test/cb",
        ["client_id"] = item.Client, ["client_secret"] = "secret", ["client_session_state"] = item.AppSessionId,
    });
    using var response = await http.PostAsync($"/realms/{The.Realm}/protocol/openid-connect/token", form, ct);
    response.EnsureSuccessStatusCode();
});

var tokens = work.Select(item => keycloak.LogoutToken(item.Client, sid: item.Sid).Sign()).ToArray();
var rejected = 0;
var clock = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, logouts), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (n, ct) =>
{
    using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", tokens[n])]);
    using var response = await http.PostAsync("/backchannel-logout", form, ct);
    if (response.StatusCode != HttpStatusCode.OK)
    {
        Interlocked.Increment(ref rejected);
    }
});
var accepted = clock.Elapsed;

long pending;
do
{
    await Task.Delay(100);
    pending = (await outbox.CountAsync()).Pending;
}
while (pending > 0 && clock.Elapsed < TimeSpan.FromMinutes(10));
var drained = clock.Elapsed;
await Task.Delay(1000);

var delivered = apps.Sum(a => a.Delivered.Count);
var duplicates = apps.Sum(a => a.Delivered.Values.Sum(count => count - 1));
var lost = work.Count(item => !apps[int.Parse(item.Client[4..], CultureInfo.InvariantCulture) - 1].Delivered.ContainsKey(item.AppSessionId));
Console.WriteLine(FormattableString.Invariant($"backend: {backend}, logouts: {logouts}, concurrency: {concurrency}, applications: {Applications} (one answers 503 to {apps[^1].FailureRate:P0})"));
Console.WriteLine(FormattableString.Invariant($"accepted: {logouts - rejected} in {accepted.TotalSeconds:0.00} s = {(logouts - rejected) / accepted.TotalSeconds:0} logouts/s; rejected: {rejected}"));
Console.WriteLine(FormattableString.Invariant($"outbox empty after: {drained.TotalSeconds:0.00} s (pending left: {pending}); 503 answers: {apps[^1].Rejected}"));
Console.WriteLine(FormattableString.Invariant($"delivered: {delivered}, lost: {lost}, duplicates: {duplicates}"));
Directory.Delete(data, recursive: true);
return lost == 0 && rejected == 0 && pending == 0 ? 0 : 1;

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

string TextOption(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

static string Required(string variable) =>
    Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{variable} is not set: source .ci/services/redis.sh or .ci/services/postgresql.sh first.");
