using LogoutEnricher.Hosting;
using LogoutEnricher.Protocol;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery;

/// <summary>Checks <c>LogoutEnricher:Delivery</c> at startup; each failure names the key to change.</summary>
internal sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    private const string Root = DeliveryOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var failures = new List<string>();
        OptionsRules.RequirePositive(failures, $"{Root}:Timeout", options.Timeout);
        OptionsRules.RequirePositive(failures, $"{Root}:InitialBackoff", options.InitialBackoff);
        OptionsRules.RequirePositive(failures, $"{Root}:MaxBackoff", options.MaxBackoff);
        OptionsRules.RequirePositive(failures, $"{Root}:MaxAge", options.MaxAge);
        OptionsRules.RequirePositive(failures, $"{Root}:PollInterval", options.PollInterval);
        if (options.LeaseDuration < 2 * options.Timeout)
        {
            failures.Add($"{Root}:LeaseDuration is {options.LeaseDuration}: make it at least twice {Root}:Timeout ({options.Timeout}), or another replica may take an entry over while it is being delivered.");
        }

        if (options.MaxParallelismPerClient < 1 || options.MaxParallelism < options.MaxParallelismPerClient)
        {
            failures.Add($"{Root}:MaxParallelismPerClient is {options.MaxParallelismPerClient} and {Root}:MaxParallelism is {options.MaxParallelism}: the first must be at least 1 and at most the second.");
        }

        if (options.MaxConnectionsPerApplication < 1)
        {
            failures.Add($"{Root}:MaxConnectionsPerApplication is {options.MaxConnectionsPerApplication}: it must be at least 1 (default 64).");
        }

        return OptionsRules.ToResult(failures);
    }
}
