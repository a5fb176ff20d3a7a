using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LogoutEnricher.Benchmarks.Reconciliation;
using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.SilentLogouts.KeycloakApi;
using LogoutEnricher.SilentLogouts.Reconciliation;
using LogoutEnricher.Storage;
using Microsoft.Data.Sqlite;

// Usage: dotnet run -c Release --project bench/LogoutEnricher.Benchmarks.Reconciliation -- [sessions] [clients] [pageSize]
// One reconciliation cycle of LogoutEnricher (SQLite) over `sessions` captured sessions spread over `clients`
// clients, against a fake Keycloak Admin API in another process listing exactly those sessions (the steady state:
// nothing to end). Prints Keycloak requests per cycle, cycle time, CPU time and memory of LogoutEnricher's process.
if (args.Length > 0 && args[0] == "fake")
{
    await FakeAdminApi.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture));
    return;
}

var sessions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var clients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var pageSize = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
var perClient = sessions / clients;
var directory = Directory.CreateTempSubdirectory("logoutenricher-reconciliation-bench-").FullName;
var port = FreePort();
using var fake = Process.Start(new ProcessStartInfo("dotnet", [typeof(FakeAdminApi).Assembly.Location, "fake", port.ToString(CultureInfo.InvariantCulture), perClient.ToString(CultureInfo.InvariantCulture), clients.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true })!;
try
{
    var settings = new Dictionary<string, string?>
    {
        ["LogoutEnricher:Issuers:bench:Issuer"] = $"http://127.0.0.1:{port}/realms/bench",
        ["LogoutEnricher:Upstream:BaseUrl"] = $"http://127.0.0.1:{port}",
        ["LogoutEnricher:Storage:Sqlite:Path"] = Path.Combine(directory, "bench.db"),
        ["LogoutEnricher:KeycloakAdmin:Realms:bench:ClientId"] = "bench",
        ["LogoutEnricher:KeycloakAdmin:Realms:bench:ClientSecret"] = "bench-secret",
        ["LogoutEnricher:KeycloakAdmin:MaxRequestsPerSecond"] = "1000",
        ["LogoutEnricher:Reconciliation:PageSize"] = pageSize.ToString(CultureInfo.InvariantCulture),
        ["LogoutEnricher:Reconciliation:DisabledUsers"] = "true",
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };
    for (var c = 0; c < clients; c++)
    {
        settings[$"LogoutEnricher:Issuers:bench:Clients:client-{c}:LogoutUrl"] = $"http://127.0.0.1:9/app-{c}";
    }

    var builder = WebApplication.CreateBuilder();
    builder.Configuration.AddInMemoryCollection(settings);
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddLogoutEnricher(builder.Configuration);
    await using var app = builder.Build();
    foreach (var initializer in app.Services.GetServices<IStorageInitializer>())
    {
        await initializer.InitializeAsync();
    }

    var loadStart = Stopwatch.GetTimestamp();
    await LoadAsync(Path.Combine(directory, "bench.db"), $"http://127.0.0.1:{port}/realms/bench", clients, perClient, app.Services.GetRequiredService<ISessionIdentityProtector>());
    Console.WriteLine($"loaded {sessions:N0} captured sessions over {clients} clients in {Stopwatch.GetElapsedTime(loadStart).TotalSeconds:0.0} s");
    await WaitForAsync(port);

    var realm = app.Services.GetRequiredService<KeycloakAdminRealms>().All.Single();
    var reconciler = app.Services.GetRequiredService<SessionReconciler>();
    GC.Collect();
    var me = Process.GetCurrentProcess();
    var cpuBefore = me.TotalProcessorTime;
    var started = Stopwatch.GetTimestamp();
    var peak = 0L;
    using var sampler = new Timer(_ => peak = Math.Max(peak, Environment.WorkingSet), null, 0, 100);
    var ended = await reconciler.ReconcileAsync(realm, _ => Task.CompletedTask, CancellationToken.None);
    var elapsed = Stopwatch.GetElapsedTime(started);
    me.Refresh();
    var cpu = me.TotalProcessorTime - cpuBefore;
    var pages = clients * (long)Math.Ceiling((perClient + 1) / (double)pageSize);
    Console.WriteLine(FormattableString.Invariant(
        $"cycle: {sessions:N0} sessions, {clients} clients, page size {pageSize}: ended {ended}; Keycloak requests {pages + (3 * clients) + 1:N0} ({pages:N0} session pages + {clients} client look-ups + {2 * clients} session counts + 1 disabled-users page); {elapsed.TotalSeconds:0.0} s; CPU {cpu.TotalSeconds:0.0} s; peak working set {peak / 1048576.0:0} MiB; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
}
finally
{
    fake.Kill();
    Directory.Delete(directory, recursive: true);
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task WaitForAsync(int port)
{
    using var http = new HttpClient();
    for (var i = 0; i < 200; i++)
    {
        try
        {
            await http.PostAsync($"http://127.0.0.1:{port}/realms/bench/protocol/openid-connect/token", null);
            return;
        }
        catch (HttpRequestException)
        {
            await Task.Delay(100);
        }
    }
}

/// <summary>
/// Bulk insert in one transaction, the shape the SQLite store writes (reconciliation reads sid and sub only): their
/// lookup hashes and encrypted copies, made by the sidecar's own protector.
/// </summary>
static async Task LoadAsync(string path, string issuer, int clients, int perClient, ISessionIdentityProtector protector)
{
    await using var connection = new SqliteConnection($"Data Source={path}");
    await connection.OpenAsync();
    await using var transaction = connection.BeginTransaction();
    await using var command = connection.CreateCommand();
    command.CommandText = "INSERT INTO sessions (issuer, client_id, sid, sub, expires_at, protected_sid, protected_sub) VALUES ($i, $c, $s, $u, $e, $ps, $pu);";
    command.Parameters.AddWithValue("$i", issuer);
    var client = command.Parameters.Add("$c", SqliteType.Text);
    var sid = command.Parameters.Add("$s", SqliteType.Text);
    var sub = command.Parameters.Add("$u", SqliteType.Text);
    var protectedSid = command.Parameters.Add("$ps", SqliteType.Text);
    var protectedSub = command.Parameters.Add("$pu", SqliteType.Text);
    command.Parameters.AddWithValue("$e", DateTimeOffset.UtcNow.AddHours(10).ToUnixTimeMilliseconds());
    for (var c = 0; c < clients; c++)
    {
        for (var i = 0; i < perClient; i++)
        {
            client.Value = $"client-{c}";
            var (plainSid, plainSub) = ($"s{c}-{i:D7}", $"u{c}-{i:D7}");
            sid.Value = protector.Lookups(ProtectedSessionStore.SidPurpose, plainSid)[0];
            sub.Value = protector.Lookups(ProtectedSessionStore.SubjectPurpose, plainSub)[0];
            protectedSid.Value = protector.Protect(ProtectedSessionStore.SidPurpose, plainSid);
            protectedSub.Value = protector.Protect(ProtectedSessionStore.SubjectPurpose, plainSub);
            await command.ExecuteNonQueryAsync();
        }
    }

    await transaction.CommitAsync();
}
