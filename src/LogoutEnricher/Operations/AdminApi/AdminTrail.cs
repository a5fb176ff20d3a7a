using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Trail;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Operations.AdminApi;

/// <summary>
/// <c>GET {prefix}/logouts</c>: the logout trail, newest first, paged by a <c>next</c> token (keyset); the same search
/// as the console (<see cref="TrailSearch"/>). <c>GET {prefix}/logouts/{id}</c>: one logout with every attempt. The
/// subject is masked as in the mapping lookup.
/// </summary>
internal static class AdminTrail
{
    public static RouteGroupBuilder MapLogoutTrail(this RouteGroupBuilder admin)
    {
        admin.MapGet("/logouts", SearchAsync);
        admin.MapGet("/logouts/{id}", FindAsync);
        return admin;
    }

    private static async Task<IResult> SearchAsync(
        LogoutTrailReader reader, CancellationToken cancellationToken,
        string? q = null, string? client = null, string? outcome = null, string? source = null, string? reason = null,
        string? from = null, string? to = null, string? after = null, int? limit = null)
    {
        var (page, invalid) = await reader.SearchAsync(new TrailSearch(q, client, outcome, source, reason, from, to, after, limit), cancellationToken);
        if (page is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"The parameter '{invalid}' cannot be read.",
                detail: "limit: 1 to 500; from, to: ISO 8601 instants; outcome: queued, retrying, delivered, failed or nothing_to_do; after: the next token of the previous page.");
        }

        return Results.Ok(new { Items = page.Rows.Select(Summary), page.Next });
    }

    private static async Task<IResult> FindAsync(string id, LogoutTrailReader reader, CancellationToken cancellationToken) =>
        await reader.FindAsync(id, cancellationToken) is { } detail
            ? Results.Ok(new
            {
                Logout = Summary(detail.Row),
                Attempts = detail.Attempts.Select(a => new
                {
                    a.Number, a.At, a.StatusCode, a.Error, DurationMs = Math.Round(a.Duration.TotalMilliseconds, 1), Outcome = a.Outcome.Name(),
                }),
            })
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such logout in the trail (never accepted, or purged).");

    private static object Summary(TrailRow row)
    {
        var l = row.Logout;
        return new
        {
            l.Id, l.AcceptedAt, l.Issuer, l.ClientId, l.Source, l.Reason, l.SidHash,
            Subject = row.Subject is null ? null : AdminApi.Mask(row.Subject),
            l.AppSessions, Outcome = l.Outcome.Name(), l.Attempts, l.DeliveredAt, l.LastError,
        };
    }
}
