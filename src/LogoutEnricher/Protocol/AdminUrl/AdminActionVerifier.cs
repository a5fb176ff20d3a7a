using System.Text;
using System.Text.Json;
using LogoutEnricher.Delivery.Signing;
using LogoutEnricher.Hosting;
using LogoutEnricher.Protocol.BackChannelLogout;
using LogoutEnricher.Protocol.Providers;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.AdminUrl;

/// <summary>
/// Verifies a pushed action as Keycloak's old adapters did (signature, <c>expiration</c>, <c>resource</c>,
/// <c>action</c>), and stricter: asymmetric algorithms only, the key only from the key set of the issuer the client
/// of the path is configured under (never from the action: <c>jku</c>, <c>x5u</c>, <c>jwk</c> are ignored).
/// </summary>
internal sealed class AdminActionVerifier(
    IssuerRegistry registry,
    ProviderKeyCache keys,
    IOptions<KeycloakAdminPushOptions> pushOptions,
    IOptions<LogoutOptions> options,
    TimeProvider timeProvider)
{
    private readonly HashSet<string> _allowedAlgorithms = new(
        options.Value.AllowedAlgorithms.Count > 0 ? options.Value.AllowedAlgorithms : SupportedAlgorithms.Asymmetric,
        StringComparer.Ordinal);

    /// <param name="expectedAction"><c>LOGOUT</c> for <c>k_logout</c>, <c>PUSH_NOT_BEFORE</c> for <c>k_push_not_before</c>.</param>
    public async Task<AdminActionResult> VerifyAsync(string clientId, string expectedAction, string jws, CancellationToken cancellationToken)
    {
        // Note: the client must be configured: its issuer is the only source of keys that may sign for it.
        var issuers = registry.Issuers.Values.Where(i => i.Clients.ContainsKey(clientId)).ToList();
        if (issuers.Count == 0)
        {
            return AdminActionResult.Reject(AdminPushRejection.UnknownClient, "the client of the path is not configured");
        }

        var headerEnd = jws.IndexOf('.', StringComparison.Ordinal);
        var payloadEnd = jws.LastIndexOf('.');
        if (jws.AsSpan().Count('.') != 2 || !LogoutTokenValidator.TryParseObject(jws.AsSpan(0, headerEnd), out var header)
            || !LogoutTokenValidator.TryParseObject(jws.AsSpan(headerEnd + 1, payloadEnd - headerEnd - 1), out var payload))
        {
            return AdminActionResult.Reject(AdminPushRejection.MalformedAction, "the body is not a compact JWS with JSON header and payload");
        }

        using (header)
        using (payload)
        {
            if (!TryString(header.RootElement, "alg", out var alg) || !_allowedAlgorithms.Contains(alg))
            {
                return AdminActionResult.Reject(AdminPushRejection.AlgorithmNotAllowed, "alg is missing or not an allowed asymmetric algorithm");
            }

            var kid = TryString(header.RootElement, "kid", out var keyId) ? keyId : null;
            var signed = await FindSignerAsync(issuers, jws, payloadEnd, alg, kid, cancellationToken);
            if (signed.Rejection is { } rejection)
            {
                return rejection;
            }

            return CheckClaims(signed.Issuer!.Clients[clientId], expectedAction, payload.RootElement);
        }
    }

    private async Task<(ConfiguredIssuer? Issuer, AdminActionResult? Rejection)> FindSignerAsync(
        List<ConfiguredIssuer> issuers, string jws, int signedLength, string alg, string? kid, CancellationToken cancellationToken)
    {
        if (!LogoutTokenValidator.TryDecode(jws.AsSpan(signedLength + 1), out var signature))
        {
            return (null, AdminActionResult.Reject(AdminPushRejection.InvalidSignature, "the signature does not verify"));
        }

        var signedBytes = Encoding.ASCII.GetBytes(jws, 0, signedLength);
        var anyKey = false;
        foreach (var issuer in issuers)
        {
            // Note: with the client under several issuers, the one whose key verifies is the sender.
            var candidates = await keys.GetKeysAsync(issuer, kid, cancellationToken);
            anyKey |= candidates.Count > 0;
            if (candidates.Any(key => LogoutTokenValidator.Verifies(key, alg, signedBytes, signature)))
            {
                return (issuer, null);
            }
        }

        return anyKey
            ? (null, AdminActionResult.Reject(AdminPushRejection.InvalidSignature, "the signature does not verify"))
            : (null, AdminActionResult.Reject(AdminPushRejection.UnknownKey, "no signing key of the client's issuer has this kid"));
    }

    /// <summary>3000-01-01T00:00:00Z in epoch seconds: the latest <c>expiration</c> taken as a time.</summary>
    private const long MaxExpiration = 32503680000;

    private AdminActionResult CheckClaims(ConfiguredClient client, string expectedAction, JsonElement claims)
    {
        if (!TryString(claims, "id", out var id) || id.Length == 0)
        {
            return AdminActionResult.Reject(AdminPushRejection.MissingId, "id is missing");
        }

        // Keycloak: expiration = now + 30 (epoch seconds). The old adapters refused an expired action; so do we.
        if (!claims.TryGetProperty("expiration", out var expiration) || expiration.ValueKind != JsonValueKind.Number || !expiration.TryGetInt64(out var expiresAt))
        {
            return AdminActionResult.Reject(AdminPushRejection.Expired, "expiration is missing or has passed");
        }

        // Note: as for logout tokens' numeric dates, a date after the year 3000 is nonsense (Keycloak sends now + 30),
        // and DateTimeOffset arithmetic near the year 9999 would overflow: refused as malformed, never a 500.
        if (expiresAt > MaxExpiration)
        {
            return AdminActionResult.Reject(AdminPushRejection.MalformedAction, "expiration is not a time before the year 3000");
        }

        if (DateTimeOffset.FromUnixTimeSeconds(Math.Max(expiresAt, 0)) + pushOptions.Value.ClockSkew < timeProvider.GetUtcNow())
        {
            return AdminActionResult.Reject(AdminPushRejection.Expired, "expiration is missing or has passed");
        }

        if (!TryString(claims, "resource", out var resource) || resource != client.ClientId)
        {
            return AdminActionResult.Reject(AdminPushRejection.ResourceMismatch, "resource is not the client of the path");
        }

        if (!TryString(claims, "action", out var action) || action != expectedAction)
        {
            return AdminActionResult.Reject(AdminPushRejection.ActionMismatch, "action does not match the path");
        }

        var notBefore = 0L;
        if (claims.TryGetProperty("notBefore", out var nb) && nb.ValueKind != JsonValueKind.Null
            && (nb.ValueKind != JsonValueKind.Number || !nb.TryGetInt64(out notBefore) || notBefore < 0))
        {
            return AdminActionResult.Reject(AdminPushRejection.MalformedAction, "notBefore is not a non-negative number");
        }

        if (!TryStrings(claims, "keycloakSessionIds", out var sids) || !TryStrings(claims, "adapterSessionIds", out var adapterSessionIds))
        {
            return AdminActionResult.Reject(AdminPushRejection.MalformedAction, "keycloakSessionIds and adapterSessionIds must be arrays of strings");
        }

        return new AdminActionResult(new VerifiedAdminAction(client, action, id, notBefore, sids) { AdapterSessionIds = adapterSessionIds }, default, null);
    }

    private static bool TryString(JsonElement element, string name, out string value)
    {
        value = "";
        if (!element.TryGetProperty(name, out var property) || property.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = property.GetString()!;
        return true;
    }

    /// <summary>Absent or null is an empty list; anything but an array of strings is malformed.</summary>
    private static bool TryStrings(JsonElement element, string name, out IReadOnlyList<string> values)
    {
        values = [];
        if (!element.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (property.ValueKind != JsonValueKind.Array || property.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            return false;
        }

        values = [.. property.EnumerateArray().Select(v => v.GetString()!)];
        return true;
    }
}
