using System.Globalization;
using System.Text;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.OperatorConsole;
using LogoutEnricher.Storage;
using static LogoutEnricher.Operations.Home.HtmlPage;

namespace LogoutEnricher.Protocol.AdminUrl;

/// <summary>
/// The console's fan-out jobs: one row per recent job with its issuer, client, what Keycloak pushed, how many
/// application sessions it queued so far and where it stands. Never the cursor (a Keycloak sid) nor Keycloak's action id.
/// </summary>
internal sealed class FanOutConsoleSection(IFanOutJobStore jobs, ILogoutTrailStore trail) : IConsoleSection
{
    public const int MaxJobs = 50;

    /// <summary>At most this many of a job's logouts are counted from the trail.</summary>
    public const int MaxCounted = 10_000;

    public string Slot => ConsoleSlots.FanOutJobs;

    public string Title => "Fan-out jobs";

    public int Order => 10;

    public async Task<string> RenderAsync(HttpContext context, string antiforgeryField, CancellationToken cancellationToken)
    {
        // Note: the page says it, and the console's own store check reports it; a failure here is not logged again.
        var read = await StoreFailures.CatchAsync(async () => (Counts: await jobs.CountAsync(cancellationToken), Recent: await jobs.ListAsync(MaxJobs, cancellationToken)));
        if (read.Failure is { } failure)
        {
            return "<p class=\"bad\">The fan-out jobs cannot be read now: " + Encode(failure.Message) + "</p>";
        }

        var (counts, recent) = read.Value;

        var html = new StringBuilder(2048).Append(CultureInfo.InvariantCulture,
            $"<p>Running: <strong id=\"fan-out-pending\">{counts.Pending}</strong> · done: {counts.Done} · failed: <strong class=\"{(counts.Failed > 0 ? "bad" : "ok")}\">{counts.Failed}</strong></p>");
        if (recent.Count == 0)
        {
            return html.Append("<p class=\"muted\">No fan-out job yet: Keycloak starts one when an administrator signs out all sessions of the realm or pushes a revocation to a client whose Admin URL points at LogoutEnricher.</p>").ToString();
        }

        html.Append("<table><tr><th>Started</th><th>Issuer</th><th>Client</th><th>Trigger</th><th>Queued</th><th>State</th><th>Delivered</th><th>Failed</th>")
            .Append("<th>Waiting</th><th>Finished</th></tr>");
        foreach (var job in recent)
        {
            var (delivered, failed, waiting) = await OutcomesAsync(job, cancellationToken);
            html.Append("<tr class=\"fan-out-job\">").Cell(ConsolePageHtml.Time(job.CreatedAt)).Cell(job.Issuer, "muted").Cell(job.ClientId).Cell(Trigger(job.Action))
                .Cell(Progress(job)).Cell(State(job), job.State switch { FanOutJobState.Done => "ok", FanOutJobState.Failed => "bad", _ => "warn" })
                .Cell(delivered, "fan-out-delivered").Cell(failed, failed is "0" or "-" ? "fan-out-failed" : "fan-out-failed bad").Cell(waiting, "fan-out-waiting")
                .Cell(job.State == FanOutJobState.Pending ? "-" : ConsolePageHtml.Time(job.UpdatedAt)).Append("</tr>");
        }

        return html.Append("</table><p class=\"muted\">The ").Append(MaxJobs.ToString(CultureInfo.InvariantCulture))
            .Append(" most recent jobs; each queues one logout per application session captured before it started.</p>").ToString();
    }

    /// <summary>
    /// How the job's logouts stand, from the logout trail: those of its source and client accepted while it ran.
    /// Note: two jobs of one client running at once share their counts; "-" when the trail cannot be read.
    /// </summary>
    private async Task<(string Delivered, string Failed, string Waiting)> OutcomesAsync(FanOutJob job, CancellationToken cancellationToken)
    {
        var source = job.Action == "LOGOUT" ? Logout.LogoutSource.SignOutAll : Logout.LogoutSource.PushRevocation;
        var to = job.State == FanOutJobState.Pending ? (DateTimeOffset?)null : job.UpdatedAt.AddMilliseconds(1);
        var read = await StoreFailures.CatchAsync(() => trail.QueryAsync(
            new TrailQuery(MaxCounted, From: job.CreatedAt, To: to, ClientId: job.ClientId, Source: Logout.LogoutSourceNames.Name(source)), cancellationToken));
        if (read.Value is not { } logouts)
        {
            return ("-", "-", "-");
        }

        string Count(Func<TrailLogout, bool> which) => logouts.Count(which).ToString(CultureInfo.InvariantCulture) + (logouts.Count == MaxCounted ? "+" : "");
        return (Count(l => l.Outcome == TrailOutcome.Delivered), Count(l => l.Outcome == TrailOutcome.Failed),
            Count(l => l.Outcome is TrailOutcome.Queued or TrailOutcome.Retrying));
    }

    /// <summary>Keycloak's action as an operator knows it from its admin console.</summary>
    internal static string Trigger(string action) => action switch
    {
        "LOGOUT" => "sign-out-all",
        "PUSH_NOT_BEFORE" => "push-revocation",
        _ => action,
    };

    private static string Progress(FanOutJob job) => string.Create(CultureInfo.InvariantCulture,
        $"{job.Sessions} application session{(job.Sessions == 1 ? "" : "s")} queued{(job.State == FanOutJobState.Pending ? " so far" : "")}");

    private static string State(FanOutJob job) => job.State switch
    {
        FanOutJobState.Pending => "running",
        FanOutJobState.Done => "done",
        _ => "failed: " + (job.Error ?? "no reason recorded"),
    };
}
