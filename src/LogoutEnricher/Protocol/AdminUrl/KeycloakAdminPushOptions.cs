using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.AdminUrl;

/// <summary>
/// The endpoint a Keycloak client's Admin URL points at, so that Keycloak's realm sign-out-all and push-revocation
/// (which reach nothing but Admin URLs) reach every captured session. Section <c>LogoutEnricher:KeycloakAdminPush</c>.
/// </summary>
public sealed class KeycloakAdminPushOptions
{
    public const string SectionName = "LogoutEnricher:KeycloakAdminPush";

    /// <summary>Whether <c>POST {PathPrefix}/{clientId}/k_logout</c> and <c>.../k_push_not_before</c> are served. Default: true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The path under which each client's Admin URL lives: set the client's Admin URL in Keycloak to
    /// <c>{LogoutEnricher URL}{PathPrefix}/{clientId}</c>. Default: <c>/keycloak-admin</c>.
    /// </summary>
    public string PathPrefix { get; set; } = "/keycloak-admin";

    /// <summary>The largest body accepted (Keycloak's actions are well under 2 KiB). Default: 16384 bytes.</summary>
    public int MaxRequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>How far an action's <c>expiration</c> may lie in the past and still be accepted, for clock differences. Default: 10 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(10);
}

internal sealed class KeycloakAdminPushOptionsValidator : IValidateOptions<KeycloakAdminPushOptions>
{
    private const string Root = KeycloakAdminPushOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, KeycloakAdminPushOptions options)
    {
        var failures = new List<string>();
        if (options.Enabled && (!options.PathPrefix.StartsWith('/') || options.PathPrefix.Length < 2 || options.PathPrefix.EndsWith('/')))
        {
            failures.Add($"{Root}:PathPrefix is '{options.PathPrefix}': set a path that starts with '/' and does not end with one, e.g. /keycloak-admin.");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 1024 * 1024)
        {
            failures.Add($"{Root}:MaxRequestBodyBytes is {options.MaxRequestBodyBytes}: set a value between 1024 and 1048576, e.g. 16384.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Root}:ClockSkew is {options.ClockSkew}: set a value between 00:00:00 and 00:05:00, e.g. 00:00:10.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
