using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Protocol;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Hosting.Storage;

/// <summary>
/// The one place that handles a store failure (<see cref="StorageUnavailableException"/>): it is counted in
/// <c>logoutenricher_store_errors_total{operation}</c> and logged once, as event 5003 <c>StoreOperationFailed</c>, with
/// what the failure cost. Callers only decide the answer: OAuth error JSON on the protocol routes
/// (<see cref="OAuthErrors"/>), ProblemDetails 503 on the admin API (<see cref="ProblemAsync"/>), a retry for
/// background work.
/// </summary>
internal sealed partial class StoreFailures(LogoutEnricherMetrics metrics, ILogger<StoreFailures> logger)
{
    /// <param name="operation">The metric label: capture, logout, purge, signing_keys, outbox, outbox_gauges, admin, key_ring, console.</param>
    /// <param name="consequence">What the failure cost, for the operator, e.g. "answered temporarily_unavailable".</param>
    public void Report(string operation, StorageUnavailableException exception, string consequence)
    {
        metrics.StoreFailed(operation);
        // Note: the cause is the driver's own message ("SQLite Error 5: 'database is locked'", a connection refused):
        // without it the operator knows what failed but not why.
        var cause = exception.InnerException?.GetBaseException().Message ?? "no further detail";
        LogStoreFailed(logger, operation, exception.Message, cause, consequence);
    }

    /// <summary>
    /// An endpoint filter for the admin API: a store failure answers 503 ProblemDetails (the operator may retry),
    /// never a 500 with an empty body.
    /// </summary>
    public static async ValueTask<object?> ProblemAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (StorageUnavailableException exception)
        {
            context.HttpContext.RequestServices.GetRequiredService<StoreFailures>().Report("admin", exception, "answered 503");
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The store is unavailable; try again later.", detail: exception.Message);
        }
    }

    [LoggerMessage(EventId = EventIds.StoreOperationFailed, EventName = nameof(EventIds.StoreOperationFailed), Level = LogLevel.Error,
        Message = "The store failed ({Operation}): {ErrorMessage} (cause: {Cause}); {Consequence}")]
    private static partial void LogStoreFailed(ILogger logger, string operation, string errorMessage, string cause, string consequence);
}
