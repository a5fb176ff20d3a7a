using Microsoft.AspNetCore.Antiforgery;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>The antiforgery check of every console form.</summary>
internal static class ConsoleAntiforgery
{
    /// <summary>
    /// Like <see cref="IAntiforgery.IsRequestValidAsync"/>, but a form that cannot be read at all (broken multipart,
    /// too many fields, a body that breaks off) is an invalid request too: the caller answers 400, never a 500.
    /// </summary>
    public static async Task<bool> IsValidFormAsync(this IAntiforgery antiforgery, HttpContext context)
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(context);
        }
        catch (Exception exception) when (exception is AntiforgeryValidationException or InvalidDataException or BadHttpRequestException or IOException)
        {
            return false;
        }
    }
}
