using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.Durability;

internal sealed class DurabilityOptionsValidator : IValidateOptions<DurabilityOptions>
{
    public ValidateOptionsResult Validate(string? name, DurabilityOptions options) =>
        options.RecheckInterval > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{DurabilityOptions.SectionName}:RecheckInterval must be positive, e.g. 00:01:00 (the default).");
}
