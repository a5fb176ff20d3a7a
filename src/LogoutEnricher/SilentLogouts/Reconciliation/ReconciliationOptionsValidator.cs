using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

internal sealed class ReconciliationOptionsValidator : IValidateOptions<ReconciliationOptions>
{
    private const string Root = ReconciliationOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ReconciliationOptions options)
    {
        var failures = new List<string>();
        if (options.PollInterval <= TimeSpan.Zero || options.Interval <= TimeSpan.Zero || options.ConfirmationInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Root}:PollInterval, Interval and ConfirmationInterval must be positive, e.g. 00:00:30, 00:05:00 and 00:05:00.");
        }

        if (options.LeaseDuration <= options.PollInterval)
        {
            failures.Add($"{Root}:LeaseDuration ({options.LeaseDuration}) must exceed {Root}:PollInterval ({options.PollInterval}), e.g. four times it; otherwise the lease lapses between two polls and replicas take turns.");
        }

        if (options.EventOverlap < TimeSpan.Zero)
        {
            failures.Add($"{Root}:EventOverlap must not be negative, e.g. 00:01:00.");
        }

        if (options.PageSize is < 1 or > 1000)
        {
            failures.Add($"{Root}:PageSize must be between 1 and 1000, e.g. 100.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
