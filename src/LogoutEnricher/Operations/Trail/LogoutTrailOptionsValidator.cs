using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.Trail;

internal sealed class LogoutTrailOptionsValidator : IValidateOptions<LogoutTrailOptions>
{
    private const string Root = LogoutTrailOptions.SectionName;

    /// <summary>Redis keeps trail keys at most this long (its memory safety net), so no retention may be longer.</summary>
    public static readonly TimeSpan MaxRetention = TimeSpan.FromDays(30);

    public ValidateOptionsResult Validate(string? name, LogoutTrailOptions options)
    {
        var failures = new List<string>();
        if (options.Retention <= TimeSpan.Zero || options.Retention > MaxRetention)
        {
            failures.Add($"{Root}:Retention is {options.Retention}: keep logouts between a moment and 30 days, e.g. 7.00:00:00.");
        }

        if (options.MaxRecords is < 100 or > 10_000_000)
        {
            failures.Add($"{Root}:MaxRecords is {options.MaxRecords}: keep between 100 and 10000000 logouts, e.g. 100000.");
        }

        if (options.PurgeInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{Root}:PurgeInterval is {options.PurgeInterval}: purge at most every second, e.g. 00:10:00.");
        }

        if (options.QueueCapacity is < 100 or > 1_000_000)
        {
            failures.Add($"{Root}:QueueCapacity is {options.QueueCapacity}: hold between 100 and 1000000 pending trail writes, e.g. 10000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
