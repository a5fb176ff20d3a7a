using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LogoutEnricher.Hosting.Hardening;
using Microsoft.Extensions.Primitives;

namespace LogoutEnricher.Protocol.Capture;

/// <summary>What a token request says about the application session: who the client is, and its session id and node.</summary>
/// <param name="ClientId">The first client the request names (for logs and metrics); null when it names none.</param>
/// <param name="AppSessionId">The application's session id (<c>client_session_state</c>); null for a refresh that
/// sends none (keycloak-connect sends it only with the code): such a refresh only extends the mapping it keeps alive.</param>
internal sealed record TokenRequest(string? ClientId, string? AppSessionId, string? SessionHost)
{
    /// <summary>Every client the request names: form <c>client_id</c>, the HTTP Basic user, a <c>client_assertion</c>'s
    /// <c>iss</c> and <c>sub</c>. A provider may authenticate by any one of them. Default: <see cref="ClientId"/>.</summary>
    public IReadOnlyList<string> ClientHints { get; init; } = ClientId is null ? [] : [ClientId];

    /// <summary>A refresh that names no application session: it extends an existing mapping and records nothing new.</summary>
    public bool ExtendsOnly => AppSessionId is null;

    /// <summary>A <c>client_assertion</c> is present but cannot be read: nothing is captured.</summary>
    public bool Unreadable { get; init; }

    /// <summary>
    /// Reads the form of a token request. The client hints are the form's <c>client_id</c>, HTTP Basic (whose parts are
    /// form-url-encoded, RFC 6749 §2.3.1), and the <c>iss</c> and <c>sub</c> of a <c>client_assertion</c> (RFC 7523
    /// §3). Returns null when there is nothing to capture: no <c>client_session_state</c> and not a refresh.
    /// </summary>
    public static TokenRequest? From(IReadOnlyDictionary<string, StringValues> form, string? authorization)
    {
        var appSessionId = Single(form, "client_session_state");
        if (appSessionId is null && (Single(form, "grant_type") != "refresh_token" || form.ContainsKey("client_session_state")))
        {
            return null;
        }

        var hints = new List<string>(2);
        AddHint(hints, Single(form, "client_id"));
        AddHint(hints, FromBasic(authorization));
        var unreadable = false;
        if (Single(form, "client_assertion") is { } assertion)
        {
            unreadable = !TryReadAssertion(assertion, hints);
        }

        return new TokenRequest(hints.FirstOrDefault(), appSessionId, Single(form, "client_session_host")) { ClientHints = hints, Unreadable = unreadable };
    }

    public bool Equals(TokenRequest? other) =>
        other is not null && ClientId == other.ClientId && AppSessionId == other.AppSessionId && SessionHost == other.SessionHost
        && Unreadable == other.Unreadable && ClientHints.SequenceEqual(other.ClientHints);

    public override int GetHashCode() => HashCode.Combine(ClientId, AppSessionId, SessionHost);

    /// <summary>
    /// The client to record the session under: the one the tokens were issued to, when every hint of the request agrees
    /// with it; without it, the request's hints when they all agree. Null when they disagree or nothing names a client.
    /// </summary>
    public string? AgreedClient(string? issuedTo)
    {
        var client = issuedTo ?? ClientId;
        return client is not null && ClientHints.All(hint => string.Equals(hint, client, StringComparison.Ordinal)) ? client : null;
    }

    private static void AddHint(List<string> hints, string? hint)
    {
        if (!string.IsNullOrEmpty(hint))
        {
            hints.Add(hint);
        }
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

    /// <returns>False when the assertion cannot be read (not a JWS, or a payload that is not readable JSON).</returns>
    private static bool TryReadAssertion(string assertion, List<string> hints)
    {
        // Note: read without verifying; the provider verifies the assertion, and only its 200 answer leads to a capture.
        var parts = assertion.Split('.');
        if (parts is not { Length: 3 } || !Base64Url.IsValid(parts[1]))
        {
            return false;
        }

        using var payload = ReadableJson.TryParse(Base64Url.DecodeFromChars(parts[1]));
        if (payload?.RootElement is not { ValueKind: JsonValueKind.Object } claims)
        {
            return false;
        }

        foreach (var name in (ReadOnlySpan<string>)["iss", "sub"])
        {
            if (claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                AddHint(hints, value.GetString());
            }
        }

        return true;
    }
}
