using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LogoutEnricher.Protocol.Providers;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.Operations.AdminApi;

/// <summary>
/// Admits a request with an API key whose SHA-256 is configured (compared in constant time), or a bearer token from
/// the configured issuer, verified with that issuer's JWKS (the same <see cref="ProviderKeyCache"/> that verifies
/// logout tokens), for the configured audience, granting the configured role. 401 without valid credentials, 403
/// for a valid token without the role.
/// </summary>
internal sealed class AdminAuthentication(
    IOptions<AdminOptions> options, IssuerRegistry registry, ProviderKeyCache keys, CredentialFailureLimiter limiter, TimeProvider timeProvider) : IEndpointFilter
{
    public const string ApiKeyHeader = "X-Api-Key";

    private const string Surface = "admin API";

    private readonly byte[][] _hashes = options.Value.ApiKeyHashes.Select(h => Convert.FromHexString(h.Trim())).ToArray();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        if (!limiter.TryAdmit(context.HttpContext, out var retryAfter))
        {
            return TooManyFailures(context.HttpContext, retryAfter);
        }

        if (request.Headers.TryGetValue(ApiKeyHeader, out var apiKey))
        {
            if (apiKey.Count == 1 && KeyMatches(apiKey[0]!))
            {
                return await next(context);
            }

            limiter.RecordFailure(context.HttpContext, Surface);
            return Unauthorized(context.HttpContext);
        }

        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Unauthorized(context.HttpContext);
        }

        return await AuthorizeBearerAsync(authorization[7..].Trim(), context.HttpContext.RequestAborted) switch
        {
            BearerVerdict.Admitted => await next(context),
            BearerVerdict.LacksRole => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The token does not grant the admin role."),
            _ => Refused(context.HttpContext),
        };
    }

    /// <summary>Whether <paramref name="key"/> is one of the configured API keys (the console's sign-in uses it too).</summary>
    public bool IsApiKey(string key) => KeyMatches(key);

    private bool KeyMatches(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        var matched = false;
        foreach (var expected in _hashes)
        {
            // Note: every configured hash is compared, so timing reveals neither which nor whether one matched early.
            matched |= expected.Length == 32 && CryptographicOperations.FixedTimeEquals(hash, expected);
        }

        return matched;
    }

    /// <summary>
    /// Whether an access token of the configured issuer, for the configured audience, grants the configured role: the one
    /// rule for admin API bearer tokens and for the console's OIDC sign-in (which checks the access token it redeemed).
    /// </summary>
    public async Task<BearerVerdict> AuthorizeBearerAsync(string token, CancellationToken cancellationToken)
    {
        var bearer = options.Value.Bearer;
        if (bearer.Issuer is null || bearer.Audience is null || registry.FindIssuer(bearer.Issuer) is not { } issuer)
        {
            return BearerVerdict.NotAuthenticated;
        }

        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(token))
        {
            return BearerVerdict.NotAuthenticated;
        }

        string? kid;
        IReadOnlyList<Microsoft.IdentityModel.Tokens.JsonWebKey> signingKeys;
        try
        {
            kid = handler.ReadJsonWebToken(token).Kid;
            signingKeys = await keys.GetKeysAsync(issuer, string.IsNullOrEmpty(kid) ? null : kid, cancellationToken);
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenException or Protocol.Providers.ProviderUnavailableException)
        {
            // A malformed token, or keys that cannot be read now: not authenticated (401), never a 500.
            return BearerVerdict.NotAuthenticated;
        }

        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = bearer.Issuer,
            ValidAudience = bearer.Audience,
            IssuerSigningKeys = signingKeys,
            ValidAlgorithms = Delivery.Signing.SupportedAlgorithms.Asymmetric,
            LifetimeValidator = (notBefore, expires, _, _) => expires is { } exp && exp > timeProvider.GetUtcNow().UtcDateTime
                && (notBefore is null || notBefore <= timeProvider.GetUtcNow().UtcDateTime.AddMinutes(1)),
        });
        if (!result.IsValid)
        {
            return BearerVerdict.NotAuthenticated;
        }

        return bearer.RequiredRole is { Length: > 0 } role && HasRole((JsonWebToken)result.SecurityToken, bearer.Audience, role)
            ? BearerVerdict.Admitted
            : BearerVerdict.LacksRole;
    }

    private static bool HasRole(JsonWebToken token, string audience, string role)
    {
        static bool Contains(JsonElement roles, string role) =>
            roles.ValueKind == JsonValueKind.Array && roles.EnumerateArray().Any(r => r.ValueKind == JsonValueKind.String && r.GetString() == role);

        return (token.TryGetPayloadValue<JsonElement>("realm_access", out var realm) && realm.ValueKind == JsonValueKind.Object && realm.TryGetProperty("roles", out var realmRoles) && Contains(realmRoles, role))
            || (token.TryGetPayloadValue<JsonElement>("resource_access", out var resources) && resources.ValueKind == JsonValueKind.Object
                && resources.TryGetProperty(audience, out var client) && client.ValueKind == JsonValueKind.Object && client.TryGetProperty("roles", out var clientRoles) && Contains(clientRoles, role))
            || (token.TryGetPayloadValue<JsonElement>("roles", out var roles) && Contains(roles, role));
    }

    private IResult Refused(HttpContext context)
    {
        limiter.RecordFailure(context, Surface);
        return Unauthorized(context);
    }

    private static IResult TooManyFailures(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.Headers.RetryAfter = CredentialFailureLimiter.RetryAfterSeconds(retryAfter);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many wrong admin credentials from this client.",
            detail: "No credential is checked from this client until the time in Retry-After has passed.");
    }

    private static IResult Unauthorized(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer, ApiKey";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Admin credentials are missing or invalid.",
            extensions: new Dictionary<string, object?> { ["hint"] = $"send {ApiKeyHeader} or Authorization: Bearer" });
    }
}

/// <summary>What <see cref="AdminAuthentication.AuthorizeBearerAsync"/> found.</summary>
internal enum BearerVerdict
{
    /// <summary>Not a valid token of the configured issuer for the configured audience (or no bearer is configured).</summary>
    NotAuthenticated,

    /// <summary>A valid token that does not grant the required role.</summary>
    LacksRole,

    /// <summary>A valid token granting the required role.</summary>
    Admitted,
}
