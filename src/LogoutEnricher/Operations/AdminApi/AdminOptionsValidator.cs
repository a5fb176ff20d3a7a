using System.Globalization;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.AdminApi;

/// <summary>An enabled admin API must have a way in, and every hash must be a SHA-256.</summary>
internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    private const string Root = AdminOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        // Note: checked even with the admin API off, since the console's sign-in takes admin API keys too.
        var failures = new List<string>();
        if (options.FailedCredentials.Limit < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Root}:FailedCredentials:Limit is {options.FailedCredentials.Limit}: set the number of wrong credentials a client may send per window (default 10), or 0 to turn the limit off."));
        }

        if (options.FailedCredentials.Window < TimeSpan.FromSeconds(1) || options.FailedCredentials.Window > TimeSpan.FromDays(1))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Root}:FailedCredentials:Window is {options.FailedCredentials.Window}: set a window between 00:00:01 and 1.00:00:00 (default 00:01:00)."));
        }

        if (!options.Enabled)
        {
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        var bearer = options.Bearer;
        if (options.ApiKeyHashes.Count == 0 && (bearer.Issuer is null || bearer.Audience is null))
        {
            failures.Add($"{Root}:Enabled is true but no credentials are configured: set {Root}:ApiKeyHashes:0 (printf %s \"$key\" | sha256sum) or {Root}:Bearer:Issuer and {Root}:Bearer:Audience.");
        }

        // Note: without a role every token the issuer mints for that audience (an ordinary user's included) would admit.
        if (bearer.Issuer is not null && string.IsNullOrWhiteSpace(bearer.RequiredRole))
        {
            failures.Add($"{Root}:Bearer:Issuer is set but {Root}:Bearer:RequiredRole is empty: name the role an administrator's token must grant, e.g. logoutenricher-admin.");
        }

        for (var i = 0; i < options.ApiKeyHashes.Count; i++)
        {
            var hash = options.ApiKeyHashes[i].Trim();
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Root}:ApiKeyHashes:{i} is not 64 hex digits: configure the SHA-256 of the key (printf %s \"$key\" | sha256sum), never the key."));
            }
        }

        if (!options.PathPrefix.StartsWith('/'))
        {
            failures.Add($"{Root}:PathPrefix '{options.PathPrefix}' must start with '/'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
