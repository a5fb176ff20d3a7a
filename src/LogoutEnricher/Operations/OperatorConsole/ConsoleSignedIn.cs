using Microsoft.AspNetCore.Authentication;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>Admits a request with a valid console cookie; anything else goes to the sign-in page.</summary>
internal sealed class ConsoleSignedIn(string consolePath) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // Note: "no-cache, no-store", as antiforgery sets it when a page issues a token: with "no-store" alone it logs a
        // warning (Cache-Control overridden) on every page view.
        http.Response.Headers.CacheControl = "no-cache, no-store";
        var result = await http.AuthenticateAsync(ConsoleAuthentication.Scheme);
        if (!result.Succeeded)
        {
            return Results.Redirect(consolePath + "/sign-in");
        }

        http.User = result.Principal;
        return await next(context);
    }
}
