using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.AdminApi;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.AdminUrl;

/// <summary><c>GET {admin prefix}/fan-out-jobs</c>: counts by state and the most recent jobs (ProblemDetails on errors).</summary>
internal static class FanOutAdminApi
{
    public static IEndpointRouteBuilder MapFanOutAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.ServiceProvider.GetRequiredService<IOptions<AdminOptions>>().Value;
        if (!admin.Enabled)
        {
            return endpoints;
        }

        endpoints.MapGroup(admin.PathPrefix).AddEndpointFilter<AdminAuthentication>().MapGet("/fan-out-jobs", ListAsync);
        return endpoints;
    }

    private static async Task<IResult> ListAsync(IFanOutJobStore jobs, CancellationToken cancellationToken, int max = 100)
    {
        try
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
        catch (StorageUnavailableException)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The store is unavailable.");
        }
    }
}
