using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Home;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>
/// Every console route: a store that does not answer (the key ring the sign-in cookie and forms need lives there,
/// ADR 0020) is a 503 page saying so, never a 500.
/// </summary>
internal sealed class ConsoleStoreUnavailable : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        // Note: Data Protection hands a key ring read failure on wrapped in a CryptographicException.
        catch (Exception exception) when (StoreFailures.Within(exception) is { } storeFailure)
        {
            return Answer(context.HttpContext, storeFailure);
        }
    }

    /// <summary>The 503 page for a store that does not answer, reported once as a store failure.</summary>
    public static IResult Answer(HttpContext context, StorageUnavailableException storeFailure)
    {
        context.RequestServices.GetRequiredService<StoreFailures>().Report("console", storeFailure, "the console answered 503");
        return HtmlPage.Result(HtmlPage.Render("Store unavailable", "",
            "<section><p>The store does not answer, so the console cannot sign you in or act now. Try again shortly.</p></section>"),
            StatusCodes.Status503ServiceUnavailable);
    }
}
