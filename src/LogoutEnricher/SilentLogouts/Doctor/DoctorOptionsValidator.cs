using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Doctor;

internal sealed class DoctorOptionsValidator : IValidateOptions<DoctorOptions>
{
    private const string Root = DoctorOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, DoctorOptions options)
    {
        var failures = new List<string>();
        if (options.Interval <= TimeSpan.Zero)
        {
            failures.Add($"{Root}:Interval must be positive, e.g. 00:05:00.");
        }

        if (options.PublicBaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{Root}:PublicBaseUrl must be an absolute http(s) URL, the one Keycloak reaches LogoutEnricher at, e.g. http://logoutenricher:8080.");
        }

        if (!options.AdminUrlPath.StartsWith('/') || !options.AdminUrlPath.Contains("{clientId}", StringComparison.Ordinal))
        {
            failures.Add($"{Root}:AdminUrlPath must start with '/' and contain {{clientId}}, e.g. /keycloak-admin/{{clientId}}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
