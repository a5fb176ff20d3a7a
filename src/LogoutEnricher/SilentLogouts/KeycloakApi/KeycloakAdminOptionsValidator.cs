using LogoutEnricher.Protocol.Providers;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.KeycloakApi;

/// <summary>Each realm must name a configured issuer, a service-account client and exactly one way to its secret.</summary>
internal sealed class KeycloakAdminOptionsValidator(IOptions<IssuersOptions> root) : IValidateOptions<KeycloakAdminOptions>
{
    private const string Root = KeycloakAdminOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, KeycloakAdminOptions options)
    {
        var failures = new List<string>();
        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{Root}:Timeout must be positive, e.g. 00:00:10.");
        }

        if (options.MaxRequestsPerSecond < 1)
        {
            failures.Add($"{Root}:MaxRequestsPerSecond must be at least 1, e.g. 20.");
        }

        foreach (var (key, realm) in options.Realms)
        {
            var at = $"{Root}:Realms:{key}";
            if (!root.Value.TryGetValue(key, out var issuer))
            {
                failures.Add($"{at} names no issuer: use the key of an entry of {IssuersOptions.SectionName} ({string.Join(", ", root.Value.Keys)}).");
                continue;
            }

            if (string.IsNullOrWhiteSpace(realm.ClientId))
            {
                failures.Add($"{at}:ClientId is empty: set the client id of the service-account client (e.g. logoutenricher-admin).");
            }

            var hasSecret = !string.IsNullOrEmpty(realm.ClientSecret);
            var hasFile = !string.IsNullOrEmpty(realm.ClientSecretFile);
            if (hasSecret == hasFile)
            {
                failures.Add($"{at}: set exactly one of ClientSecret and ClientSecretFile (the service-account client's secret, Credentials tab).");
            }
            else if (hasFile && !File.Exists(realm.ClientSecretFile))
            {
                failures.Add($"{at}:ClientSecretFile '{realm.ClientSecretFile}' does not exist.");
            }

            if (realm.BaseUrl is null && !issuer.Issuer.Contains("/realms/", StringComparison.Ordinal))
            {
                failures.Add($"{at}:BaseUrl is required: the issuer '{issuer.Issuer}' has no /realms/ to derive Keycloak's base URL from.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
