using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LogoutEnricher.IntegrationTests.Fuzz;
using LogoutEnricher.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests;

public sealed partial class FuzzTests
{
    private const string AdminApiKey = "fuzz-admin-key";
    private static readonly string[] Routes = ["logout", "token", "jwks", "health", "metrics", "admin", "elsewhere", "adminurl", "certs", "console"];

    /// <summary>CI runs 20,000; <c>bench/fuzz.sh</c> sets <c>LOGOUTENRICHER_FUZZ_REQUESTS=100000</c>. To replay request
    /// <c>#n</c> of a report alone: <c>LOGOUTENRICHER_FUZZ_FIRST=n LOGOUTENRICHER_FUZZ_REQUESTS=1</c> (same seed).</summary>
    private static int EveryRouteRequestCount =>
        int.TryParse(Environment.GetEnvironmentVariable("LOGOUTENRICHER_FUZZ_REQUESTS"), CultureInfo.InvariantCulture, out var count) ? count : 20_000;

    private static int EveryRouteSeed =>
        int.TryParse(Environment.GetEnvironmentVariable("LOGOUTENRICHER_FUZZ_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : 20261202;

    [Fact]
    public async Task EveryRoute_SeededRequestsWithAMisbehavingProvider_NoServerErrorOriginatedByLogoutEnricher()
    {
        var upstream = new MisbehavingUpstream(_env.Keycloak);
        _env.Keycloak.TokenEndpointOverride = upstream.AnswerAsync;
        var fuzzer = new RouteFuzzer(_env.Keycloak, EveryRouteSeed, AdminApiKey,
            _env.Services.GetRequiredService<LogoutEnricher.Protocol.Providers.KeyFetchMarker>().Value, await ConsoleSessionAsync());
        // Note: cookies only as each request carries them, redirects as answers: the fuzz counts what LogoutEnricher says.
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = _env.Client.BaseAddress };
        var statuses = new ConcurrentDictionary<(string Route, int Status), int>();
        var failures = new ConcurrentQueue<string>();
        var noAnswers = new ConcurrentQueue<string>();
        var sidecarServerErrors = 0;
        var rssBefore = ResidentBytes();
        var clock = Stopwatch.StartNew();

        var first = int.TryParse(Environment.GetEnvironmentVariable("LOGOUTENRICHER_FUZZ_FIRST"), CultureInfo.InvariantCulture, out var start) ? start : 0;
        await Parallel.ForAsync(first, first + EveryRouteRequestCount, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            var exchange = fuzzer.Next(i);
            var route = exchange.Route.Split(':')[0];
            if (EveryRouteRequestCount <= 10)
            {
                // A replay: say what was sent.
                TestContext.Current.TestOutputHelper?.WriteLine($"#{i} {Describe(exchange)}");
            }

            try
            {
                using var response = await client.SendAsync(ToMessage(exchange), cancellationToken);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var status = (int)response.StatusCode;
                statuses.AddOrUpdate((route, status), 1, (_, n) => n + 1);
                // A status is LogoutEnricher's own unless it is the provider's answer passed through.
                var passedThrough = response.Headers.TryGetValues("X-Upstream-Status", out var upstreamStatus) && upstreamStatus.Single() == status.ToString(CultureInfo.InvariantCulture);
                if (status >= 500 && !passedThrough)
                {
                    Interlocked.Increment(ref sidecarServerErrors);
                    failures.Enqueue($"#{i} {Describe(exchange)}: {status}");
                }
            }
            catch (HttpRequestException exception)
            {
                statuses.AddOrUpdate((route, 0), 1, (_, n) => n + 1);
                noAnswers.Enqueue($"#{i} {Describe(exchange)}: no answer ({exception.Message} {exception.InnerException?.Message})");
            }
        });

        clock.Stop();
        var rssAfter = ResidentBytes();
        var errorLogs = _env.Logs.Events.Where(e => e.Level >= LogEventLevel.Error).Select(e => e.RenderMessage()).ToArray();
        var report = Report(statuses, sidecarServerErrors, clock.Elapsed, rssBefore, rssAfter, errorLogs.Length)
            + (noAnswers.IsEmpty ? "" : "No answer:\n" + string.Join('\n', noAnswers.Select(n => n[..Math.Min(300, n.Length)])) + "\n");
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        if (Environment.GetEnvironmentVariable("LOGOUTENRICHER_FUZZ_REPORT") is { Length: > 0 } reportPath)
        {
            await File.WriteAllTextAsync(reportPath, report, TestContext.Current.CancellationToken);
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} failures, e.g.:\n{string.Join('\n', failures.Take(15))}\n{report}");
        // Note: under heavy machine load about one request in 20,000-100,000 ends without a response ("response ended
        // prematurely"): not reproducible alone (replay with LOGOUTENRICHER_FUZZ_FIRST), on random routes; listed in the
        // report and bounded here rather than hidden. No status, so never a 5xx.
        Assert.True(noAnswers.Count <= Math.Max(1, EveryRouteRequestCount / 10_000), $"{noAnswers.Count} requests got no answer:\n{string.Join('\n', noAnswers.Take(15))}\n{report}");
        Assert.True(errorLogs.Length == 0, $"{errorLogs.Length} Error logs, e.g.:\n{string.Join('\n', errorLogs.Distinct().Take(5))}");
        Assert.All(Routes, r => Assert.Contains(statuses.Keys, k => k.Route == r));
        using var live = await _env.Client.GetAsync("/health/live", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
    }

    /// <summary>A browser's console cookies and antiforgery tokens, before and after signing in with the API key.</summary>
    private async Task<ConsoleSession> ConsoleSessionAsync()
    {
        using var anonymous = new ConsoleBrowser(_env.Client.BaseAddress!);
        var signInPage = await (await anonymous.Http.GetAsync(ConsoleBrowser.ConsolePath + "/sign-in")).Content.ReadAsStringAsync();
        using var browser = new ConsoleBrowser(_env.Client.BaseAddress!);
        await browser.SignInWithApiKeyAsync(AdminApiKey);
        var page = await browser.PageAsync();
        return new ConsoleSession(
            anonymous.Cookies.GetCookieHeader(new Uri(_env.Client.BaseAddress!, ConsoleBrowser.ConsolePath + "/")), Token(signInPage),
            browser.Cookies.GetCookieHeader(new Uri(_env.Client.BaseAddress!, ConsoleBrowser.ConsolePath + "/")), Token(page));

        static string Token(string html) => System.Net.WebUtility.HtmlDecode(
            System.Text.RegularExpressions.Regex.Match(html, "name=\"__csrf\" value=\"([^\"]+)\"").Groups[1].Value);
    }

    private static string Describe(FuzzExchange exchange)
    {
        var body = Encoding.UTF8.GetString(exchange.Body ?? []);
        return $"{exchange.Route} {exchange.Method} {exchange.Path[..Math.Min(120, exchange.Path.Length)]} {(exchange.Chunked ? "chunked " : "")}{exchange.ContentType} "
            + $"{string.Join(' ', exchange.Headers.Select(h => h.Key + "=" + h.Value[..Math.Min(40, h.Value.Length)]))} {body[..Math.Min(200, body.Length)]}";
    }

    private static HttpRequestMessage ToMessage(FuzzExchange exchange)
    {
        var message = new HttpRequestMessage(exchange.Method, exchange.Path);
        if (exchange.Body is not null)
        {
            message.Content = exchange.Chunked ? new StreamContent(new NonSeekableStream(exchange.Body)) : new ByteArrayContent(exchange.Body);
            if (exchange.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", exchange.ContentType);
            }
        }

        foreach (var (name, value) in exchange.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    private static long ResidentBytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static string Report(ConcurrentDictionary<(string Route, int Status), int> statuses, int sidecarServerErrors, TimeSpan elapsed, long rssBefore, long rssAfter, int errorLogs)
    {
        var total = statuses.Values.Sum();
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Fuzz (every route), seed {EveryRouteSeed}: {total} requests in {elapsed.TotalSeconds:F1} s ({total / elapsed.TotalSeconds:F0}/s)")
            .AppendLine(CultureInfo.InvariantCulture, $"5xx originated by LogoutEnricher: {sidecarServerErrors}; Error log events: {errorLogs}")
            .AppendLine(CultureInfo.InvariantCulture, $"RSS of the test process (sidecar, fakes and generator): {rssBefore / 1048576} MiB before, {rssAfter / 1048576} MiB after")
            .AppendLine("| route | requests | statuses |")
            .AppendLine("|---|---|---|");
        foreach (var route in statuses.Keys.Select(k => k.Route).Distinct().Order(StringComparer.Ordinal))
        {
            var byStatus = statuses.Where(p => p.Key.Route == route).OrderBy(p => p.Key.Status).ToArray();
            text.AppendLine(CultureInfo.InvariantCulture, $"| {route} | {byStatus.Sum(p => p.Value)} | {string.Join(", ", byStatus.Select(p => $"{(p.Key.Status == 0 ? "no answer" : p.Key.Status)}: {p.Value}"))} |");
        }

        return text.ToString();
    }
}
