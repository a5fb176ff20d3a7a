using Microsoft.AspNetCore.Routing.Patterns;

namespace LogoutEnricher.Hardening;

/// <summary>Which of LogoutEnricher's surfaces a request reached, for limits that differ per surface.</summary>
internal enum RouteKind
{
    Other,
    Logout,
    Capture,
    FrontDoor,
}

internal static class RouteKinds
{
    private const string LogoutPrefix = "/backchannel-logout";
    private const string KeycloakTokenSuffix = "/protocol/openid-connect/token";

    /// <summary>Classifies by the matched endpoint's route pattern, so it follows the routes as mapped.</summary>
    public static RouteKind Of(HttpContext context, IReadOnlySet<string> explicitTokenPaths)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            return RouteKind.Other;
        }

        var pattern = endpoint.RoutePattern.RawText ?? "";
        if (pattern.StartsWith(LogoutPrefix, StringComparison.Ordinal))
        {
            return RouteKind.Logout;
        }

        if (pattern.EndsWith(KeycloakTokenSuffix, StringComparison.Ordinal) || explicitTokenPaths.Contains(pattern))
        {
            return RouteKind.Capture;
        }

        return endpoint.RoutePattern.Parameters is [{ IsCatchAll: true }] && endpoint.RoutePattern.PathSegments.Count == 1
            ? RouteKind.FrontDoor
            : RouteKind.Other;
    }

    public static IReadOnlySet<string> TokenPaths(Hosting.LogoutEnricherOptions options) =>
        options.Issuers.Values.Where(i => !string.IsNullOrEmpty(i.TokenPath))
            .Select(i => RoutePatternFactory.Parse(i.TokenPath!).RawText!)
            .ToHashSet(StringComparer.Ordinal);
}
