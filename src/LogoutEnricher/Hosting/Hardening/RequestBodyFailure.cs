using Microsoft.AspNetCore.Http;

namespace LogoutEnricher.Hosting.Hardening;

/// <summary>Why Kestrel could not hand over a request body: always the client's doing, never the provider's.</summary>
internal enum RequestBodyFailure
{
    /// <summary>Broken framing: a bad or overflowing chunk size, a truncated chunk, an oversized trailer.</summary>
    Malformed,

    /// <summary>Larger than the server's body limit.</summary>
    TooLarge,

    /// <summary>Slower than Kestrel's minimum request body data rate.</summary>
    TooSlow,
}

internal static class RequestBodyFailures
{
    /// <summary>
    /// Reads an exception thrown while reading a request body. Kestrel throws <see cref="BadHttpRequestException"/>
    /// (its status code says which), and a plain <see cref="IOException"/> for a chunk size that overflows.
    /// </summary>
    /// <returns>Null when the exception is not about the request body.</returns>
    public static RequestBodyFailure? Classify(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } => RequestBodyFailure.TooSlow,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => RequestBodyFailure.TooLarge,
        BadHttpRequestException => RequestBodyFailure.Malformed,
        IOException => RequestBodyFailure.Malformed,
        _ => null,
    };

    /// <summary>What happened to the body, for an error description sent back to the client.</summary>
    public static string Describe(RequestBodyFailure failure) => failure switch
    {
        RequestBodyFailure.TooSlow => "the body did not arrive in time",
        RequestBodyFailure.TooLarge => "the body is too large",
        _ => "the body's HTTP framing is broken",
    };
}
