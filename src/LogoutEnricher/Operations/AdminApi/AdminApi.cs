using System.Security.Cryptography;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Protocol.AdminUrl;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.SilentLogouts.Doctor;
using LogoutEnricher.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.AdminApi;

/// <summary>
/// <c>/admin</c>: look up mappings (ids masked), list and retry dead letters, send a logout by hand, and the routes
/// other features add to its group (fan-out jobs, configuration findings). Answers in
/// ProblemDetails (RFC 9457); the protocol endpoints keep OAuth errors.
/// </summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<AdminOptions>>().Value;
        if (!options.Enabled)
        {
            return endpoints;
        }

        // The one admin route group: every admin route, whichever feature owns it, gets its authentication and its
        // answer to a store failure (503 ProblemDetails).
        var admin = endpoints.MapGroup(options.PathPrefix).AddEndpointFilter<AdminAuthentication>().AddEndpointFilter(StoreFailures.ProblemAsync);
        admin.MapFanOutJobs();
        admin.MapConfigFindings();
        admin.MapLogoutTrail();
        admin.MapGet("/mappings", FindMappingsAsync);
        admin.MapGet("/dead-letters", ListDeadLettersAsync);
        admin.MapPost("/dead-letters/{id}/retry", RetryDeadLetterAsync);
        admin.MapPost("/dead-letters/retry", RetryAllDeadLettersAsync);
        admin.MapPost("/logouts", AdminLogout.SendAsync);
        return endpoints;
    }

    /// <summary>
    /// Under the admin prefix, an error answered without a body gets ProblemDetails: a request the endpoint cannot
    /// bind (invalid JSON, a number out of range, a missing query parameter) is refused by ASP.NET Core with an empty
    /// 400 before any admin code runs. Only there: the protocol routes keep OAuth errors and upstream answers untouched.
    /// </summary>
    public static IApplicationBuilder UseAdminProblemDetails(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<AdminOptions>>().Value;
        return options.Enabled
            ? app.UseWhen(context => context.Request.Path.StartsWithSegments(options.PathPrefix), admin => admin.UseStatusCodePages())
            : app;
    }

    /// <summary>By (issuer, clientId, sid), or every mapping of (issuer, clientId, sub).</summary>
    private static async Task<IResult> FindMappingsAsync(
        string issuer, string clientId, string? sid, string? sub, IssuerRegistry registry, ProtectedSessionStore sessions, SecretProtector protector, CancellationToken cancellationToken)
    {
        if (registry.FindClient(issuer, clientId) is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such configured issuer and client.");
        }

        if (string.IsNullOrEmpty(sid) && string.IsNullOrEmpty(sub))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Give sid or sub.");
        }

        IReadOnlyList<SessionMapping> found = !string.IsNullOrEmpty(sid)
            ? await sessions.FindAsync(new SessionKey(issuer, clientId, sid), cancellationToken) is { } mapping ? [mapping] : []
            : await sessions.FindBySubjectAsync(issuer, clientId, sub!, cancellationToken);
        return Results.Ok(found.Select(m => new
        {
            m.Key.Issuer,
            m.Key.ClientId,
            Sid = Mask(m.Key.Sid),
            SidHash = SidHash.Of(m.Key.Sid),
            Subject = m.Subject is null ? null : Mask(m.Subject),
            m.ExpiresAt,
            AppSessions = m.AppSessions.Select(s => new { Id = MaskProtected(protector, s.ProtectedId), s.Host }),
        }));
    }

    private static async Task<IResult> ListDeadLettersAsync(IServiceProvider services, CancellationToken cancellationToken, int max = 100)
    {
        if (services.GetService<IOutboxStore>() is not { } outbox)
        {
            return NoOutbox();
        }

        var letters = await outbox.ListDeadLettersAsync(Math.Clamp(max, 1, 1000), cancellationToken);
        return Results.Ok(letters.Select(d => new
        {
            d.Entry.Id, d.Entry.Issuer, d.Entry.ClientId, d.Entry.Host, d.Entry.Attempts, d.Entry.CreatedAt, d.Entry.LastError, d.Reason, d.DeadAt,
        }));
    }

    private static async Task<IResult> RetryDeadLetterAsync(string id, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<IOutboxStore>() is not { } outbox)
        {
            return NoOutbox();
        }

        return await outbox.RetryDeadLetterAsync(id, cancellationToken)
            ? Results.NoContent()
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such dead letter.");
    }

    private static async Task<IResult> RetryAllDeadLettersAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<IOutboxStore>() is not { } outbox)
        {
            return NoOutbox();
        }

        var retried = 0;
        foreach (var letter in await outbox.ListDeadLettersAsync(1000, cancellationToken))
        {
            retried += await outbox.RetryDeadLetterAsync(letter.Entry.Id, cancellationToken) ? 1 : 0;
        }

        return Results.Ok(new { Retried = retried });
    }

    /// <summary>First 4 characters and the length: enough to tell ids apart in a conversation, not to use one.</summary>
    public static string Mask(string value) => $"{value[..Math.Min(4, value.Length)]}…({value.Length})";

    private static string MaskProtected(SecretProtector protector, string protectedId)
    {
        try
        {
            return Mask(protector.UnprotectString(protectedId, ProtectionPurposes.AppSession));
        }
        catch (CryptographicException)
        {
            return "(undecryptable)";
        }
    }

    private static IResult NoOutbox() => Results.Problem(statusCode: StatusCodes.Status501NotImplemented,
        title: "This deployment has no delivery outbox (Delivery:Mode is Synchronous), so there are no dead letters.");
}
