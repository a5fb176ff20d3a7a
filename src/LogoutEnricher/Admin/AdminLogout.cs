using System.Text.Json;
using System.Text.Json.Nodes;
using LogoutEnricher.BackChannelLogout;
using LogoutEnricher.Providers;
using LogoutEnricher.Security;
using LogoutEnricher.Telemetry;

namespace LogoutEnricher.Admin;

/// <summary>What an operator asks for: the logout of one session (sid) or of every session of a subject (sub).</summary>
internal sealed record AdminLogoutRequest(string Issuer, string ClientId, string? Sid, string? Sub);

/// <summary>
/// A logout sent by hand goes the same way as a received one: claims shaped like Keycloak's logout token, then
/// <see cref="LogoutProcessor"/> (delivery, replay record, mapping removal) and an audit event marked <c>admin</c>.
/// </summary>
internal static class AdminLogout
{
    public static async Task<IResult> SendAsync(
        AdminLogoutRequest request, IssuerRegistry registry, LogoutProcessor processor, AuditLog audit, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (registry.FindClient(request.Issuer, request.ClientId) is not { } client)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such configured issuer and client.");
        }

        if (string.IsNullOrEmpty(request.Sid) && string.IsNullOrEmpty(request.Sub))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Give sid or sub.");
        }

        var started = timeProvider.GetTimestamp();
        var now = timeProvider.GetUtcNow();
        var jti = Guid.NewGuid().ToString();
        var claims = new JsonObject
        {
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(2).ToUnixTimeSeconds(),
            ["jti"] = jti,
            ["iss"] = request.Issuer,
            ["aud"] = client.ClientId,
        };
        if (!string.IsNullOrEmpty(request.Sub))
        {
            claims["sub"] = request.Sub;
        }

        claims["typ"] = "Logout";
        if (!string.IsNullOrEmpty(request.Sid))
        {
            claims["sid"] = request.Sid;
        }

        claims["events"] = new JsonObject { [LogoutTokenValidator.BackChannelLogoutEvent] = new JsonObject() };
        var token = new ValidatedLogoutToken(client, jti, request.Sub, request.Sid, now.AddMinutes(2), JsonSerializer.SerializeToElement(claims));

        var outcome = await processor.ProcessAsync(token, cancellationToken);
        var outcomeName = outcome.Delivered ? "delivered" : "delivery_failed";
        audit.LogoutProcessed(request.Issuer, client.ClientId, SidHash.Of(request.Sid), request.Sub, outcome.AppSessionCount, outcomeName,
            timeProvider.GetElapsedTime(started), "admin");
        return Results.Ok(new
        {
            Outcome = outcomeName,
            outcome.AppSessionCount,
            Deliveries = outcome.Deliveries.Select(d => new { d.Succeeded, d.StatusCode, d.Error }),
        });
    }
}
