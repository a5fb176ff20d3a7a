using Microsoft.Extensions.Options;

namespace DemoApp;

/// <summary>The required settings, checked at startup; each message names the key and gives an example.</summary>
internal sealed class DemoAppOptionsValidator : IValidateOptions<DemoAppOptions>
{
    private const string Root = DemoAppOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, DemoAppOptions options)
    {
        var failures = new List<string>();
        RequireUrl(failures, "Authority", options.Authority, "the OpenID provider's issuer URL", "http://localhost:8080/realms/demo");
        Require(failures, "ClientId", options.ClientId, "the OIDC client id", "demo-app");
        Require(failures, "ClientSecret", options.ClientSecret, "the OIDC client secret", "(the client's secret from the provider)");
        RequireUrl(failures, "TokenEndpoint", options.TokenEndpoint, "LogoutEnricher's token endpoint", "http://localhost:5080/realms/demo/protocol/openid-connect/token");
        if (options.LogoutEnricherJwksUri is not null)
        {
            // Optional: without it the provider's discovery jwks_uri (the realm key set) verifies enriched tokens.
            RequireUrl(failures, "LogoutEnricherJwksUri", options.LogoutEnricherJwksUri, "LogoutEnricher's public keys, or remove the key", "http://localhost:5080/.well-known/jwks.json");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Require(List<string> failures, string key, string value, string what, string example)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{Root}:{key} is missing: set {what}, e.g. {example}.");
        }
    }

    private static void RequireUrl(List<string> failures, string key, string value, string what, string example)
    {
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value, UriKind.Absolute, out _))
        {
            failures.Add($"{Root}:{key} is '{value}': set {what} as an absolute URL, e.g. {example}.");
        }
    }
}
