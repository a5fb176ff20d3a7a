using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

internal sealed class UserLogoutOptionsValidator : IValidateOptions<UserLogoutOptions>
{
    private const string Root = UserLogoutOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, UserLogoutOptions options)
    {
        var failures = new List<string>();
        if (options.Delay < TimeSpan.Zero || options.Delay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Root}:Delay must be between 00:00:00 and 00:01:00, e.g. 00:00:01.");
        }

        if (options.DeduplicationWindow < options.Delay || options.DeduplicationWindow > TimeSpan.FromHours(1))
        {
            failures.Add($"{Root}:DeduplicationWindow ({options.DeduplicationWindow}) must be at least {Root}:Delay ({options.Delay}) and at most 01:00:00, e.g. 00:00:10; otherwise logouts arriving before the check runs each start one.");
        }

        if (options.QueueCapacity is < 1 or > 1_000_000)
        {
            failures.Add($"{Root}:QueueCapacity must be between 1 and 1000000, e.g. 1000.");
        }

        if (options.MaxConcurrency is < 1 or > 64)
        {
            failures.Add($"{Root}:MaxConcurrency must be between 1 and 64, e.g. 2.");
        }

        if (options.MaxChecksPerSecond is < 1 or > 1000)
        {
            failures.Add($"{Root}:MaxChecksPerSecond must be between 1 and 1000, e.g. 5; keep it below KeycloakAdmin:MaxRequestsPerSecond.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
