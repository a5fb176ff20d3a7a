using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace LogoutEnricher.Capture;

/// <summary>What a token request says about the application session: who the client is, and its session id and node.</summary>
internal sealed record TokenRequest(string ClientId, string AppSessionId, string? SessionHost)
{
    /// <summary>
    /// Reads the form of a token request. The client is the form's <c>client_id</c>, else HTTP Basic (whose parts are
    /// form-url-encoded, RFC 6749 §2.3.1), else the <c>sub</c> of a <c>client_assertion</c> (RFC 7523 §3). Returns null
    /// when there is nothing to capture.
    /// </summary>
    public static TokenRequest? From(IReadOnlyDictionary<string, StringValues> form, string? authorization)
    {
        var appSessionId = Single(form, "client_session_state");
        if (appSessionId is null)
        {
            return null;
        }

        var clientId = Single(form, "client_id") ?? FromBasic(authorization) ?? FromAssertion(Single(form, "client_assertion"));
        return clientId is null ? null : new TokenRequest(clientId, appSessionId, Single(form, "client_session_host"));
    }

    private static string? Single(IReadOnlyDictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static string? FromBasic(string? authorization)
    {
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header)
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[1024];
        if (!Convert.TryFromBase64String(header.Parameter, buffer, out var written))
        {
            return null;
        }

        var credentials = Encoding.UTF8.GetString(buffer[..written]);
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? null : Uri.UnescapeDataString(credentials[..colon].Replace('+', ' '));
    }

    private static string? FromAssertion(string? assertion)
    {
        // Note: read without verifying; the provider verifies the assertion, and only its 200 answer leads to a capture.
        var parts = assertion?.Split('.');
        if (parts is not { Length: 3 } || !Base64Url.IsValid(parts[1]))
        {
            return null;
        }

        try
        {
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return payload.RootElement.ValueKind == JsonValueKind.Object && payload.RootElement.TryGetProperty("sub", out var sub)
                && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
