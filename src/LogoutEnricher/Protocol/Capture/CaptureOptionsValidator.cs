using LogoutEnricher.Hosting;
using LogoutEnricher.Protocol;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.Capture;

/// <summary>Checks <c>LogoutEnricher:Capture</c> at startup; each failure names the key to change.</summary>
internal sealed class CaptureOptionsValidator : IValidateOptions<CaptureOptions>
{
    public ValidateOptionsResult Validate(string? name, CaptureOptions options)
    {
        var failures = new List<string>();
        OptionsRules.RequirePositive(failures, $"{CaptureOptions.SectionName}:DefaultSessionLifetime", options.DefaultSessionLifetime);
        OptionsRules.RequirePositive(failures, $"{CaptureOptions.SectionName}:MaxSessionLifetime", options.MaxSessionLifetime);
        return OptionsRules.ToResult(failures);
    }
}

/// <summary>Checks <c>LogoutEnricher:Upstream</c> at startup.</summary>
internal sealed class UpstreamOptionsValidator : IValidateOptions<UpstreamOptions>
{
    public ValidateOptionsResult Validate(string? name, UpstreamOptions options)
    {
        var failures = new List<string>();
        OptionsRules.RequirePositive(failures, $"{UpstreamOptions.SectionName}:Timeout", options.Timeout);
        return OptionsRules.ToResult(failures);
    }
}
