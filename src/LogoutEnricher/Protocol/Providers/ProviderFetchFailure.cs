using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;

namespace LogoutEnricher.Protocol.Providers;

/// <summary>
/// Why a provider's discovery document or key set could not be read, in words an operator acts on: the URL and the
/// cause (connection refused, DNS, TLS, timeout, an HTTP status with what it usually means).
/// </summary>
internal static class ProviderFetchFailure
{
    public static string Describe(Uri url, Exception exception) => $"{Cause(url, exception)} ({url})";

    private static string Cause(Uri url, Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => Status(status),
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => $"DNS: the host name '{url.Host}' does not resolve",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } http =>
            "TLS: " + (Find<AuthenticationException>(http)?.Message ?? "the secure connection failed"),
        HttpRequestException http when Find<SocketException>(http) is { SocketErrorCode: SocketError.ConnectionRefused } =>
            $"connection refused: nothing listens at {url.Authority} (is the provider running?)",
        HttpRequestException http when Find<SocketException>(http) is { } socket => $"connection failed: {socket.SocketErrorCode}",
        HttpRequestException http => $"the request failed: {http.HttpRequestError}",
        TaskCanceledException or TimeoutException => "no answer in time (timeout)",
        JsonException => "the answer is not valid JSON",
        ArgumentException => "the answer is not a valid key set",
        _ => exception.GetType().Name,
    };

    private static string Status(HttpStatusCode status) => (int)status switch
    {
        404 => "HTTP 404 Not Found (realm not found? check the issuer URL)",
        401 or 403 => $"HTTP {(int)status} {status} (the provider refuses anonymous reads of its keys)",
        >= 500 => $"HTTP {(int)status} {status} (the provider failed; it may be starting)",
        _ => $"HTTP {(int)status} {status}",
    };

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }
}

/// <summary>What readiness and the console say about one issuer's keys.</summary>
/// <param name="Loaded">Whether keys were loaded at least once.</param>
/// <param name="KeyCount">Signing keys in the cached set.</param>
/// <param name="FetchedAt">When the cached set was read, or null.</param>
/// <param name="LastError">Why the last fetch failed (URL and cause), or null when it succeeded.</param>
/// <param name="FailingSince">When the current run of failures began, or null.</param>
internal sealed record IssuerKeyStatus(bool Loaded, int KeyCount, DateTimeOffset? FetchedAt, string? LastError, DateTimeOffset? FailingSince);
