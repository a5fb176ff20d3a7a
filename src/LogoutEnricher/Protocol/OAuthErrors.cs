using System.Text.Json;

namespace LogoutEnricher.Protocol;

/// <summary>
/// Protocol endpoints answer in the protocol's terms: <c>{"error": ..., "error_description": ...}</c> (RFC 6749 §5.2,
/// BCL 1.0 §2.8), never ProblemDetails.
/// </summary>
internal static class OAuthErrors
{
    public const string InvalidRequest = "invalid_request";
    public const string TemporarilyUnavailable = "temporarily_unavailable";
    public const string DeliveryFailed = "delivery_failed";

    public static async Task WriteAsync(HttpResponse response, int statusCode, string error, string description)
    {
        response.StatusCode = statusCode;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(response.Body);
        writer.WriteStartObject();
        writer.WriteString("error", error);
        writer.WriteString("error_description", description);
        writer.WriteEndObject();
    }
}
