using System.Globalization;
using LogoutEnricher.Operations.AdminApi;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <remarks>
/// Note: the admin section is read from configuration, not through <c>IOptions&lt;AdminOptions&gt;</c>, whose own
/// validation would throw here and report an admin mistake twice.
/// </remarks>
internal sealed class OperatorConsoleOptionsValidator(IConfiguration configuration) : IValidateOptions<OperatorConsoleOptions>
{
    private const string Root = OperatorConsoleOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, OperatorConsoleOptions options)
    {
        var failures = new List<string>();
        if (options.SessionLifetime < TimeSpan.FromMinutes(1) || options.SessionLifetime > TimeSpan.FromHours(12))
        {
            failures.Add($"{Root}:SessionLifetime is {options.SessionLifetime}: keep a console sign-in short, between 00:01:00 and 12:00:00, e.g. 00:15:00.");
        }

        // Note: the console admits by the admin API's bearer rule (issuer, audience, role); without one, any account of
        // any provider that can log in would do.
        var bearer = configuration.GetSection(AdminOptions.SectionName + ":Bearer");
        if (!string.IsNullOrWhiteSpace(options.Oidc.ClientId) && (string.IsNullOrWhiteSpace(bearer["Issuer"]) || string.IsNullOrWhiteSpace(bearer["Audience"])))
        {
            failures.Add($"{Root}:Oidc:ClientId is set but {AdminOptions.SectionName}:Bearer:Issuer or :Audience is empty: the console signs in against the admin API's issuer and admits an access token for its audience with its role; set {AdminOptions.SectionName}:Bearer:Issuer, :Audience and :RequiredRole, e.g. Audience logoutenricher.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
