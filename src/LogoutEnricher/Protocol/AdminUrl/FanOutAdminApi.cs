using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Protocol.AdminUrl;

/// <summary><c>GET {admin prefix}/fan-out-jobs</c>: counts by state and the most recent jobs.</summary>
internal static class FanOutAdminApi
{
    /// <summary>Adds the route to the admin API's one route group (its authentication and its store-failure answer apply).</summary>
    public static RouteGroupBuilder MapFanOutJobs(this RouteGroupBuilder admin)
    {
        admin.MapGet("/fan-out-jobs", ListAsync);
        return admin;
    }

    private static async Task<IResult> ListAsync(IFanOutJobStore jobs, CancellationToken cancellationToken, int max = 100)
    {
        var counts = await jobs.CountAsync(cancellationToken);
        var list = await jobs.ListAsync(Math.Clamp(max, 1, 1000), cancellationToken);
        return Results.Ok(new
        {
            counts.Pending,
            counts.Done,
            counts.Failed,
            Jobs = list.Select(j => new
            {
                j.Id, j.Issuer, j.ClientId, j.Action, j.ActionId, j.NotBefore, j.CapturedBefore, j.CreatedAt,
                State = j.State.ToString(), j.Sessions, j.Error, j.UpdatedAt,
            }),
        });
    }
}
