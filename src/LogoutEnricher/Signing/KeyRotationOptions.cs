using Microsoft.Extensions.Options;

namespace LogoutEnricher.Signing;

/// <summary>
/// Scheduled rotation of LogoutEnricher's own signing key, bound from <c>LogoutEnricher:Signing</c> (beside
/// <c>Algorithm</c> and <c>KeyFile</c>; a key file is never rotated).
/// </summary>
public sealed class KeyRotationOptions
{
    public const string SectionName = "LogoutEnricher:Signing";

    /// <summary>How long a key signs before its successor takes over. Default: 30 days; 00:00:00 turns rotation off.</summary>
    public TimeSpan RotationPeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a new key is published in the JWKS before it signs. It must exceed the longest time an application
    /// caches the JWKS, or it will meet a token signed by a key it has not fetched yet. Default: 2 days.
    /// </summary>
    public TimeSpan PublishBefore { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a key stays in the JWKS after it stopped signing. Default: 1 day (tokens live 2 minutes).</summary>
    public TimeSpan RetiredKeyGrace { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often each replica re-reads the shared key store, so all replicas follow a rotation. Default: 1 min.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class KeyRotationOptionsValidator : IValidateOptions<KeyRotationOptions>
{
    private const string Root = KeyRotationOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, KeyRotationOptions options)
    {
        var failures = new List<string>();
        if (options.RotationPeriod < TimeSpan.Zero)
        {
            failures.Add($"{Root}:RotationPeriod is {options.RotationPeriod}: set a positive period (e.g. 30.00:00:00) or 00:00:00 to turn rotation off.");
        }

        if (options.RotationPeriod > TimeSpan.Zero && options.PublishBefore >= options.RotationPeriod)
        {
            failures.Add($"{Root}:PublishBefore ({options.PublishBefore}) must be shorter than {Root}:RotationPeriod ({options.RotationPeriod}): a key must sign for a while before its successor is published.");
        }

        if (options.PublishBefore < TimeSpan.Zero || options.RetiredKeyGrace < TimeSpan.Zero)
        {
            failures.Add($"{Root}:PublishBefore and {Root}:RetiredKeyGrace must not be negative.");
        }

        if (options.RefreshInterval <= TimeSpan.Zero)
        {
            failures.Add($"{Root}:RefreshInterval is {options.RefreshInterval}: it must be positive, e.g. 00:01:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
