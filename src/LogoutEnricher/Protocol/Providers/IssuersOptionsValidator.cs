using LogoutEnricher.Hosting;
using LogoutEnricher.Protocol;
using LogoutEnricher.Protocol.Capture;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.Providers;

/// <summary>
/// Checks <c>LogoutEnricher:Issuers</c> at startup; each failure names the key to change. Reads
/// <c>Upstream:BaseUrl</c> too: an issuer without its own token endpoint is reached through it.
/// </summary>
internal sealed class IssuersOptionsValidator(IOptions<UpstreamOptions> upstream) : IValidateOptions<IssuersOptions>
{
    private const string Root = IssuersOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, IssuersOptions options)
    {
        var failures = new List<string>();
        if (options.Count == 0)
        {
            failures.Add($"{Root} is empty: configure at least one issuer with its clients, e.g. {Root}:demo:Issuer = http://keycloak:8080/realms/demo.");
        }

        foreach (var (issuerName, issuer) in options)
        {
            ValidateIssuer($"{Root}:{issuerName}", issuer, failures);
        }

        var duplicates = options.Values.GroupBy(i => i.Issuer, StringComparer.Ordinal).Where(g => g.Count() > 1 && g.Key.Length > 0);
        failures.AddRange(duplicates.Select(g => $"{Root} lists the issuer '{g.Key}' more than once; each issuer may appear once."));
        return OptionsRules.ToResult(failures);
    }

    private void ValidateIssuer(string path, IssuerOptions issuer, List<string> failures)
    {
        if (!Uri.TryCreate(issuer.Issuer, UriKind.Absolute, out _))
        {
            failures.Add($"{path}:Issuer is '{issuer.Issuer}': set the provider's exact issuer URL, e.g. http://keycloak:8080/realms/demo.");
        }

        if (issuer.TokenEndpoint is not null && string.IsNullOrWhiteSpace(issuer.TokenPath))
        {
            failures.Add($"{path}:TokenPath is empty while {path}:TokenEndpoint is set: give the local path that forwards to it, e.g. /oidc/token.");
        }

        if (issuer.TokenEndpoint is null && upstream.Value.BaseUrl is null)
        {
            failures.Add($"{path} has no token endpoint: set {UpstreamOptions.SectionName}:BaseUrl to Keycloak's URL, or {path}:TokenEndpoint and {path}:TokenPath.");
        }

        if (issuer.Clients.Count == 0)
        {
            failures.Add($"{path}:Clients is empty: add the applications that receive logouts, e.g. {path}:Clients:my-app:LogoutUrl.");
        }

        foreach (var (clientKey, client) in issuer.Clients)
        {
            var clientPath = $"{path}:Clients:{clientKey}";
            var url = client.LogoutUrl.Replace(SessionHostPlaceholder.Token, "placeholder.invalid", StringComparison.Ordinal);
            if (!IsHttpUrl(url))
            {
                failures.Add($"{clientPath}:LogoutUrl is '{client.LogoutUrl}': set the application's absolute http(s) logout URL.");
            }

            if (client.FallbackLogoutUrl is { Length: > 0 } fallback
                && (fallback.Contains(SessionHostPlaceholder.Token, StringComparison.Ordinal) || !IsHttpUrl(fallback)))
            {
                failures.Add($"{clientPath}:FallbackLogoutUrl is '{fallback}': set an absolute http(s) URL without {SessionHostPlaceholder.Token}, or remove it.");
            }
        }
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
