using System.Net;
using LogoutEnricher.Testing;

namespace LogoutEnricher.Benchmarks.Load;

/// <summary>One measured run against one process: what the load generator saw and what the process spent.</summary>
internal sealed record Measured(string Name, RunResult Run, TimeSpan Cpu, double RssMiB)
{
    public double CpuPerRequestMs => Cpu.TotalMilliseconds / Run.Requests;
}

/// <summary>The requests both paths are driven with, and the CPU reading around them.</summary>
internal sealed class Scenarios(HttpClient http, FakeKeycloak keycloak, FastApplication application, string clientId)
{
    private int _nextSession;

    /// <summary>Sessions captured through LogoutEnricher and not logged out yet: each logout ends one of them.</summary>
    public Queue<string> MappedSessions { get; } = new();

    /// <summary>A token request as an application's OIDC library sends it, with a session id of its own.</summary>
    public async Task<bool> TokenRequestAsync(Uri target, string sid, bool remember)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = sid, ["redirect_uri"] = "http://app.test/cb",
            ["client_id"] = clientId, ["client_secret"] = "secret", ["client_session_state"] = "app-session-" + sid,
        });
        using var response = await http.PostAsync(new Uri(target, FastUpstream.TokenPath), form);
        await response.Content.LoadIntoBufferAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return false;
        }

        if (remember)
        {
            lock (MappedSessions)
            {
                MappedSessions.Enqueue(sid);
            }
        }

        return true;
    }

    public string NewSid() => $"sso-{Interlocked.Increment(ref _nextSession):D7}";

    /// <summary>Signed logout tokens for the next <paramref name="count"/> mapped sessions (signed before the clock starts).</summary>
    public string[] LogoutTokens(int count)
    {
        if (MappedSessions.Count < count)
        {
            throw new InvalidOperationException($"{count} logouts need as many captured sessions, and only {MappedSessions.Count} are left: captures failed in the setup (see its lines above)");
        }

        var sids = Enumerable.Range(0, count).Select(_ => MappedSessions.Dequeue()).ToArray();
        var tokens = new string[count];
        Parallel.For(0, count, n => tokens[n] = keycloak.LogoutToken(clientId, sid: sids[n]).Sign());
        return tokens;
    }

    public Task<bool> LogoutAsync(Uri sidecar, string token) => PostLogoutAsync(new Uri(sidecar, "/backchannel-logout"), token);

    /// <summary>A back-channel logout as a provider sends it: a form POST with one <c>logout_token</c>; true on 200.</summary>
    public async Task<bool> PostLogoutAsync(Uri endpoint, string token)
    {
        using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", token)]);
        using var response = await http.PostAsync(endpoint, form);
        await response.Content.LoadIntoBufferAsync();
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>
    /// Runs <paramref name="drive"/> and reads the CPU time <paramref name="pid"/> spent on it; with
    /// <paramref name="deliveries"/>, waits first until the application received them all (Queued mode delivers later).
    /// </summary>
    public async Task<Measured> MeasureAsync(string name, int pid, Func<Task<RunResult>> drive, long? deliveries = null)
    {
        var before = ProcessReading.CpuTime(pid);
        var expected = application.Received + (deliveries ?? 0);
        var peak = 0.0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcessReading.ResidentMiB(pid));
                await Task.Delay(100);
            }
        });
        var run = await drive();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (deliveries is not null && application.Received < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        var cpu = ProcessReading.CpuTime(pid) - before;
        await sampling.CancelAsync();
        await sampler;
        if (deliveries is not null && application.Received < expected)
        {
            throw new InvalidOperationException($"{name}: the application received {application.Received - (expected - deliveries)} of {deliveries} logouts");
        }

        return new Measured(name, run, cpu, peak);
    }
}
