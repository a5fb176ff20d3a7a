using LogoutEnricher.Hosting;
using LogoutEnricher.Protocol;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery.Signing;

/// <summary>Checks <c>LogoutEnricher:Signing</c> at startup; each failure names the key to change.</summary>
internal sealed class SigningOptionsValidator : IValidateOptions<SigningOptions>
{
    private const string Root = SigningOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SigningOptions options)
    {
        var failures = new List<string>();
        if (!SupportedAlgorithms.Signing.Contains(options.Algorithm))
        {
            failures.Add($"{Root}:Algorithm is '{options.Algorithm}': use one of {string.Join(", ", SupportedAlgorithms.Signing)}.");
        }

        if (options.KeyFile is { Length: > 0 } keyFile && !File.Exists(keyFile))
        {
            failures.Add($"{Root}:KeyFile '{keyFile}' does not exist: point it at a PEM private key or remove it to let LogoutEnricher generate one.");
        }

        OptionsRules.RequirePositive(failures, $"{Root}:TokenLifetime", options.TokenLifetime);
        ValidateRotation(options, failures);
        return OptionsRules.ToResult(failures);
    }

    private static void ValidateRotation(SigningOptions options, List<string> failures)
    {
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
            return;
        }

        // Note: each replica learns of a new or retired key only at its next refresh: a key must be published for
        // longer than one refresh before it signs, and stay published until the last token it signed has expired.
        if (options.RotationPeriod > TimeSpan.Zero && options.PublishBefore <= options.RefreshInterval)
        {
            failures.Add($"{Root}:PublishBefore ({options.PublishBefore}) must be longer than {Root}:RefreshInterval ({options.RefreshInterval}): a replica would sign with a key the others do not publish yet.");
        }

        if (options.RotationPeriod > TimeSpan.Zero && options.RetiredKeyGrace < options.RefreshInterval + options.TokenLifetime)
        {
            failures.Add($"{Root}:RetiredKeyGrace ({options.RetiredKeyGrace}) must be at least {Root}:RefreshInterval + {Root}:TokenLifetime ({options.RefreshInterval + options.TokenLifetime}): tokens would be signed with a key already withdrawn.");
        }
    }
}
