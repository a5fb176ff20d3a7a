using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Protocol;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Hosting.Storage;

/// <summary>
/// The one place that handles a store failure (<see cref="StorageUnavailableException"/>): it is counted in
/// <c>logoutenricher_store_errors_total{operation}</c> and logged once, as event 5003 <c>StoreOperationFailed</c>, with
/// what the failure cost. Callers run store work through it (<see cref="TryAsync{T}"/>, <see cref="CatchAsync{T}"/>,
/// <see cref="ProblemAsync"/>) and only decide the answer: OAuth error JSON on the protocol routes
/// (<see cref="OAuthErrors"/>), ProblemDetails 503 on the admin API (<see cref="ProblemAsync"/>), a retry for
/// background work. No other code catches the exception (an architecture test holds that).
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

    /// <summary>Runs a store operation; a store failure is reported (<see cref="Report"/>) and returned as a failed attempt.</summary>
    /// <param name="consequence">What the failure costs, for the operator.</param>
    public async Task<StoreAttempt<T>> TryAsync<T>(string operation, string consequence, Func<Task<T>> work)
    {
        var attempt = await CatchAsync(work);
        if (attempt.Failure is { } failure)
        {
            Report(operation, failure, consequence);
        }

        return attempt;
    }

    /// <summary>As <see cref="TryAsync{T}"/>, for work without a result: true when it succeeded.</summary>
    public async Task<bool> TryAsync(string operation, string consequence, Func<Task> work) =>
        (await TryAsync(operation, consequence, async () =>
        {
            await work();
            return true;
        })).Succeeded;

    /// <summary>Runs synchronous store work; a store failure is reported, then thrown on to the caller.</summary>
    public T ReportAndRethrow<T>(string operation, string consequence, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (StorageUnavailableException exception)
        {
            Report(operation, exception, consequence);
            throw;
        }
    }

    /// <summary>
    /// Runs a store operation and hands a store failure back as data, unreported: for a caller whose answer already
    /// says so (a health check that turns unhealthy, a page that shows it) and must not log it on every probe.
    /// </summary>
    public static async Task<StoreAttempt<T>> CatchAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return new StoreAttempt<T>(await work(), null);
        }
        catch (StorageUnavailableException exception)
        {
            return new StoreAttempt<T>(default, exception);
        }
    }

    /// <summary>The store failure an exception is or wraps (Data Protection wraps a key ring read failure), or null.</summary>
    public static StorageUnavailableException? Within(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is StorageUnavailableException storeFailure)
            {
                return storeFailure;
            }
        }

        return null;
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

/// <summary>A store operation's value, or the store failure that stopped it.</summary>
internal readonly record struct StoreAttempt<T>(T? Value, StorageUnavailableException? Failure)
{
    public bool Succeeded => Failure is null;
}
