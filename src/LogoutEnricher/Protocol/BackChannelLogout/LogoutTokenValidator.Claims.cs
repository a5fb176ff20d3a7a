using System.Text.Json;
using LogoutEnricher.Protocol.Providers;

namespace LogoutEnricher.Protocol.BackChannelLogout;

internal sealed partial class LogoutTokenValidator
{
    public const string BackChannelLogoutEvent = Logout.LogoutClaims.BackChannelLogoutEvent;

    private async Task<LogoutTokenValidationResult> ValidateClaimsAsync(
        ConfiguredIssuer issuer, JsonElement claims, string? routeClientId, CancellationToken cancellationToken)
    {
        var client = ResolveClient(issuer, claims, routeClientId, out var audienceRejection);
        if (client is null)
        {
            return audienceRejection;
        }

        var logout = options.Value;
        var now = timeProvider.GetUtcNow();
        if (!TryGetNumericDate(claims, "iat", out var issuedAt))
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.MissingIssuedAt, "iat is missing or not a number");
        }

        if (issuedAt > now + logout.ClockSkew)
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.IssuedInFuture, "iat is in the future");
        }

        DateTimeOffset replayUntil;
        if (TryGetNumericDate(claims, "exp", out var expiresAt))
        {
            if (expiresAt + logout.ClockSkew <= now)
            {
                return LogoutTokenValidationResult.Reject(RejectionReason.Expired, "exp has passed");
            }

            replayUntil = expiresAt + logout.ClockSkew;
        }
        else if (claims.TryGetProperty("exp", out _) || !logout.AllowMissingExpiration)
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.MissingExpiration, "exp is missing or not a number");
        }
        else if (issuedAt + logout.MaxTokenAge + logout.ClockSkew <= now)
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.Expired, "the token has no exp and iat is older than the maximum token age");
        }
        else
        {
            replayUntil = issuedAt + logout.MaxTokenAge + logout.ClockSkew;
        }

        if (!TryGetString(claims, "jti", out var jti))
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.MissingJti, "jti is missing");
        }

        // BCL 1.0 §2.4: events must hold the back-channel logout event, whose value is a JSON object.
        if (!claims.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Object
            || !events.TryGetProperty(BackChannelLogoutEvent, out var logoutEvent) || logoutEvent.ValueKind != JsonValueKind.Object)
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.InvalidEvents, "events lacks the back-channel logout event object");
        }

        var hasSub = TryGetOptionalString(claims, "sub", out var sub, out var subWellFormed);
        var hasSid = TryGetOptionalString(claims, "sid", out var sid, out var sidWellFormed);
        if (!subWellFormed || !sidWellFormed || (!hasSub && !hasSid))
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.MissingSubjectAndSession, "sub or sid is required, as strings");
        }

        // BCL 1.0 §2.4: a nonce is prohibited, so that a logout token cannot pass for an ID token.
        if (claims.TryGetProperty("nonce", out _))
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.NoncePresent, "nonce must not be present");
        }

        if (await replayCache.ContainsAsync(issuer.Issuer, jti, cancellationToken))
        {
            return LogoutTokenValidationResult.Reject(RejectionReason.Replayed, "this jti was accepted before");
        }

        return LogoutTokenValidationResult.Valid(new ValidatedLogoutToken(client, jti, sub, sid, replayUntil, claims));
    }

    private static ConfiguredClient? ResolveClient(ConfiguredIssuer issuer, JsonElement claims, string? routeClientId, out LogoutTokenValidationResult rejection)
    {
        rejection = default;
        var audiences = ReadAudiences(claims);
        if (routeClientId is not null)
        {
            if (audiences.Contains(routeClientId) && issuer.Clients.TryGetValue(routeClientId, out var named))
            {
                return named;
            }

            rejection = LogoutTokenValidationResult.Reject(RejectionReason.AudienceMismatch, "aud does not contain the client of the URL, or it is not configured");
            return null;
        }

        ConfiguredClient? found = null;
        foreach (var audience in audiences)
        {
            if (issuer.Clients.TryGetValue(audience, out var client))
            {
                if (found is not null)
                {
                    rejection = LogoutTokenValidationResult.Reject(RejectionReason.AudienceMismatch, "aud names several configured clients; post to /backchannel-logout/{clientId}");
                    return null;
                }

                found = client;
            }
        }

        if (found is null)
        {
            rejection = LogoutTokenValidationResult.Reject(RejectionReason.UnknownAudience, "aud names no configured client of the issuer");
        }

        return found;
    }

    private static List<string> ReadAudiences(JsonElement claims)
    {
        var audiences = new List<string>(1);
        if (!claims.TryGetProperty("aud", out var aud))
        {
            return audiences;
        }

        // Keycloak sends a plain string; the JWT spec also allows an array.
        if (aud.ValueKind == JsonValueKind.String)
        {
            audiences.Add(aud.GetString()!);
        }
        else if (aud.ValueKind == JsonValueKind.Array)
        {
            audiences.AddRange(aud.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!));
        }

        return audiences;
    }

    // Note: year 3000; later dates are nonsense, and DateTimeOffset arithmetic near year 9999 would overflow.
    private const double MaxNumericDate = 32503680000;

    private static bool TryGetNumericDate(JsonElement claims, string name, out DateTimeOffset value)
    {
        value = default;
        if (!claims.TryGetProperty(name, out var property) || property.ValueKind != JsonValueKind.Number
            || !property.TryGetDouble(out var seconds) || double.IsNaN(seconds) || seconds < 0 || seconds > MaxNumericDate)
        {
            return false;
        }

        value = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        return true;
    }

    /// <returns>Whether the claim is present as a non-empty string; <paramref name="wellFormed"/> is false when it is present as anything else.</returns>
    private static bool TryGetOptionalString(JsonElement claims, string name, out string? value, out bool wellFormed)
    {
        value = null;
        wellFormed = true;
        if (!claims.TryGetProperty(name, out var property))
        {
            return false;
        }

        wellFormed = property.ValueKind == JsonValueKind.String && property.GetString()!.Length > 0;
        value = wellFormed ? property.GetString() : null;
        return wellFormed;
    }
}
