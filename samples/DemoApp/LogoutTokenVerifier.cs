using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DemoApp;

/// <summary>A verified enriched logout token, or why it was refused.</summary>
public sealed record LogoutTokenResult(string? Error, string? Subject, IReadOnlyList<string> AdapterSessionIds)
{
    public static LogoutTokenResult Refused(string error) => new(error, null, []);
}

/// <summary>
/// Verifies an enriched logout token the way OIDC Back-Channel Logout 1.0 §2.6 asks, with the provider's key set from
/// its discovery document, exactly as for any back-channel logout token: LogoutEnricher re-signed the token after adding
/// <c>adapterSessionIds</c>, and where it answers at Keycloak's URL the realm key set holds its key. A configured
/// <see cref="DemoAppOptions.LogoutEnricherJwksUri"/> is used instead.
/// </summary>
public sealed class LogoutTokenVerifier(
    IHttpClientFactory httpClientFactory,
    IOptions<DemoAppOptions> options,
    IOptionsMonitor<OpenIdConnectOptions> oidcOptions,
    TimeProvider timeProvider)
{
    private const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly JsonWebTokenHandler _handler = new();
    private JsonWebKeySet? _keys;

    /// <exception cref="HttpRequestException">LogoutEnricher's JWKS could not be read (a transient failure).</exception>
    public async Task<LogoutTokenResult> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        if (!_handler.CanReadToken(token))
        {
            return LogoutTokenResult.Refused("not a JWT");
        }

        var result = await _handler.ValidateTokenAsync(token, await ParametersAsync(refresh: false, cancellationToken));
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // LogoutEnricher rotated its key: read the JWKS again once.
            result = await _handler.ValidateTokenAsync(token, await ParametersAsync(refresh: true, cancellationToken));
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return LogoutTokenResult.Refused(result.Exception?.GetType().Name ?? "invalid token");
        }

        // §2.6 step 3: events must hold the back-channel logout event, as an object.
        if (!jwt.TryGetPayloadValue<JsonElement>("events", out var events) || events.ValueKind != JsonValueKind.Object
            || !events.TryGetProperty(BackChannelLogoutEvent, out var logoutEvent) || logoutEvent.ValueKind != JsonValueKind.Object)
        {
            return LogoutTokenResult.Refused("no back-channel logout event");
        }

        // §2.6 step 5: a logout token never carries a nonce (so an ID token cannot pass for one).
        if (jwt.TryGetPayloadValue<object>("nonce", out _))
        {
            return LogoutTokenResult.Refused("nonce present");
        }

        var now = timeProvider.GetUtcNow().UtcDateTime;
        if (jwt.IssuedAt == DateTime.MinValue || jwt.IssuedAt > now + ClockSkew || jwt.IssuedAt < now - MaxAge)
        {
            return LogoutTokenResult.Refused("iat missing or not fresh");
        }

        jwt.TryGetPayloadValue<string>("sub", out var subject);
        if (subject is null && !jwt.TryGetPayloadValue<string>("sid", out _))
        {
            return LogoutTokenResult.Refused("neither sub nor sid");
        }

        // LogoutEnricher always sends adapterSessionIds: the ids this application gave as client_session_state.
        if (!jwt.TryGetPayloadValue<JsonElement>("adapterSessionIds", out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            return LogoutTokenResult.Refused("no adapterSessionIds");
        }

        return new LogoutTokenResult(null, subject, [.. ids.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!)]);
    }

    private async Task<TokenValidationParameters> ParametersAsync(bool refresh, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (_keys is null || refresh)
        {
            var client = httpClientFactory.CreateClient();
            _keys = new JsonWebKeySet(await client.GetStringAsync(await KeySetUriAsync(settings, cancellationToken), cancellationToken));
        }

        return new TokenValidationParameters
        {
            ValidIssuer = settings.LogoutTokenIssuer ?? settings.Authority,
            ValidAudience = settings.ClientId,
            ValidTypes = ["logout+jwt"],
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256],
            IssuerSigningKeys = _keys.GetSigningKeys(),
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = ClockSkew,
        };
    }

    /// <summary>The configured key set, else the provider's <c>jwks_uri</c> (discovery is read once and cached by the OIDC handler).</summary>
    private async Task<Uri> KeySetUriAsync(DemoAppOptions settings, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(settings.LogoutEnricherJwksUri))
        {
            return new Uri(settings.LogoutEnricherJwksUri);
        }

        var oidc = oidcOptions.Get(OpenIdConnectDefaults.AuthenticationScheme);
        var discovery = await oidc.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        return new Uri(discovery.JwksUri);
    }
}
