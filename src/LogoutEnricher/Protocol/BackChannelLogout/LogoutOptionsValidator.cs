using LogoutEnricher.Delivery.Signing;
using LogoutEnricher.Hosting;
using LogoutEnricher.Protocol;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.BackChannelLogout;

/// <summary>Checks <c>LogoutEnricher:Logout</c> at startup; each failure names the key to change.</summary>
internal sealed class LogoutOptionsValidator : IValidateOptions<LogoutOptions>
{
    private const string Root = LogoutOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, LogoutOptions options)
    {
        var failures = new List<string>();
        foreach (var algorithm in options.AllowedAlgorithms.Where(a => !SupportedAlgorithms.IsAsymmetric(a)))
        {
            failures.Add($"{Root}:AllowedAlgorithms contains '{algorithm}': only asymmetric algorithms ({string.Join(", ", SupportedAlgorithms.Asymmetric)}) can be verified with a provider's published keys.");
        }

        if (options.MaxRequestBodyBytes < 1024)
        {
            failures.Add($"{Root}:MaxRequestBodyBytes is {options.MaxRequestBodyBytes}: a logout token needs at least 1024 bytes.");
        }

        return OptionsRules.ToResult(failures);
    }
}
