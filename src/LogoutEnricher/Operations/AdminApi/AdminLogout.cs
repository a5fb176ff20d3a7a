using LogoutEnricher.Logout;
using LogoutEnricher.Protocol.Providers;

namespace LogoutEnricher.Operations.AdminApi;

/// <summary>What an operator asks for: the logout of one session (sid) or of every session of a subject (sub).</summary>
internal sealed record AdminLogoutRequest(string Issuer, string ClientId, string? Sid, string? Sub);

/// <summary>
/// A logout sent by hand goes the same way as a received one: claims shaped like Keycloak's logout token, then the
/// <see cref="LogoutPipeline"/> (delivery or queueing, mapping removal, an audit event marked <c>admin</c>). The answer
/// names the outcome as the metrics and the audit log do: <c>queued</c> in Queued mode, not <c>delivered</c>.
/// </summary>
internal static class AdminLogout
{
    public static async Task<IResult> SendAsync(
        AdminLogoutRequest request, IssuerRegistry registry, LogoutPipeline pipeline, CancellationToken cancellationToken)
    {
        // Note: a JSON body without "issuer" or "clientId" binds them as null, whatever the record's annotations say.
        if (string.IsNullOrEmpty(request.Issuer) || string.IsNullOrEmpty(request.ClientId))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Give issuer and clientId.");
        }

        if (registry.FindClient(request.Issuer, request.ClientId) is not { } client)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such configured issuer and client.");
        }

        if (string.IsNullOrEmpty(request.Sid) && string.IsNullOrEmpty(request.Sub))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Give sid or sub.");
        }

        var result = await pipeline.ProcessAsync(
            LogoutRequest.ForSession(client, LogoutSource.AdminApi, NullIfEmpty(request.Sid), NullIfEmpty(request.Sub)), cancellationToken);
        return Results.Ok(new
        {
            Outcome = result.Outcome.Name(),
            result.AppSessionCount,
            Deliveries = result.Deliveries.Select(d => new { d.Succeeded, d.StatusCode, d.Error }),
        });
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
