using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.AdminUrl;

/// <summary>Turning a sign-out-all or push-revocation into one logout per captured session. Section <c>LogoutEnricher:FanOut</c>.</summary>
public sealed class FanOutOptions
{
    public const string SectionName = "LogoutEnricher:FanOut";

    /// <summary>
    /// Mappings read and queued per step: one page is one store read and one outbox write, and the cursor is saved
    /// after each, so a crash repeats at most one page. Default: 500.
    /// </summary>
    public int PageSize { get; set; } = 500;

    /// <summary>
    /// How long a replica owns the job it works; renewed after every page. A replica that dies holds the job this long
    /// before another resumes it from the saved cursor. Default: 1 min.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an idle worker looks for jobs another replica accepted (its own wake it at once). Default: 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long finished (done or failed) jobs stay listed before they are purged. Default: 7 days.</summary>
    public TimeSpan FinishedJobRetention { get; set; } = TimeSpan.FromDays(7);
}

internal sealed class FanOutOptionsValidator : IValidateOptions<FanOutOptions>
{
    private const string Root = FanOutOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, FanOutOptions options)
    {
        var failures = new List<string>();
        if (options.PageSize is < 1 or > 10_000)
        {
            failures.Add($"{Root}:PageSize is {options.PageSize}: set a value between 1 and 10000, e.g. 500.");
        }

        if (options.LeaseDuration < TimeSpan.FromSeconds(5))
        {
            failures.Add($"{Root}:LeaseDuration is {options.LeaseDuration}: set at least 00:00:05 (one page must fit in it), e.g. 00:01:00.");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Root}:PollInterval is {options.PollInterval}: set a positive interval, e.g. 00:00:01.");
        }

        if (options.FinishedJobRetention < TimeSpan.FromMinutes(5))
        {
            // Note: the job id is also the replay guard of Keycloak's action id; a job must outlive its 30 s expiration.
            failures.Add($"{Root}:FinishedJobRetention is {options.FinishedJobRetention}: set at least 00:05:00, e.g. 7.00:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
