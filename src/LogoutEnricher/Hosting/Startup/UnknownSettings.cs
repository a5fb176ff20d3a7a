using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.Startup;

/// <summary>
/// What to do about a configuration key that binds to nothing (section <c>LogoutEnricher:Configuration</c>).
/// </summary>
public sealed class ConfigurationCheckOptions
{
    public const string SectionName = "LogoutEnricher:Configuration";

    /// <summary>
    /// <see cref="UnknownSettingsPolicy.Warn"/> logs each unknown key at startup (event 10030) with the nearest valid
    /// key; <see cref="UnknownSettingsPolicy.Fail"/> refuses to start, with every other configuration problem.
    /// Default: <see cref="UnknownSettingsPolicy.Warn"/>.
    /// </summary>
    public UnknownSettingsPolicy UnknownSettings { get; set; } = UnknownSettingsPolicy.Warn;
}

public enum UnknownSettingsPolicy
{
    Warn,
    Fail,
}

/// <summary>A configuration key that binds to nothing, with the key it most likely meant.</summary>
/// <param name="Key">The key as configured, e.g. <c>LogoutEnricher:Storage:Provder</c>.</param>
/// <param name="Suggestion">The nearest valid key, or null when none is near.</param>
internal sealed record UnknownSetting(string Key, string? Suggestion)
{
    public string Describe() => Suggestion is null
        ? $"{Key} is not a setting of LogoutEnricher and is ignored; see docs/configuration.md."
        : $"{Key} is not a setting of LogoutEnricher and is ignored: did you mean {Suggestion}?";
}

/// <summary>Finds the configured keys that bind to nothing: under <c>LogoutEnricher:</c>, and LogoutEnricher's sections written without the prefix.</summary>
internal sealed class UnknownSettingsFinder(IConfiguration configuration, SettingsSchema schema)
{
    public IReadOnlyList<UnknownSetting> Find()
    {
        var found = new List<UnknownSetting>();
        foreach (var (key, _) in configuration.GetSection(SettingsSchema.Root).AsEnumerable(makePathsRelative: true))
        {
            // Note: only keys that hold a value; a section key (no value) is judged by its children.
            if (configuration[SettingsSchema.Root + ":" + key] is null || schema.Check(key) is not { } nearest)
            {
                continue;
            }

            found.Add(new UnknownSetting(SettingsSchema.Root + ":" + key, nearest.Length == 0 ? null : SettingsSchema.Root + ":" + nearest));
        }

        // A section of LogoutEnricher's written at the root (Storage__Provider instead of LogoutEnricher__Storage__Provider).
        foreach (var section in configuration.GetChildren().Where(s => schema.SectionNames.Contains(s.Key, StringComparer.OrdinalIgnoreCase)))
        {
            foreach (var (key, value) in section.AsEnumerable())
            {
                if (value is not null)
                {
                    found.Add(new UnknownSetting(key, SettingsSchema.Root + ":" + key));
                }
            }
        }

        return found;
    }
}

/// <summary>With <see cref="UnknownSettingsPolicy.Fail"/>, each unknown key is a configuration problem reported at startup.</summary>
internal sealed class ConfigurationCheckOptionsValidator(UnknownSettingsFinder finder) : IValidateOptions<ConfigurationCheckOptions>
{
    public ValidateOptionsResult Validate(string? name, ConfigurationCheckOptions options) =>
        options.UnknownSettings == UnknownSettingsPolicy.Fail && finder.Find() is { Count: > 0 } unknown
            ? ValidateOptionsResult.Fail(unknown.Select(u => u.Describe() + $" ({ConfigurationCheckOptions.SectionName}:UnknownSettings is Fail)"))
            : ValidateOptionsResult.Success;
}

internal static class ConfigurationCheckExtensions
{
    /// <summary>Recognises configuration keys that bind to nothing (<c>LogoutEnricher:Configuration</c>).</summary>
    public static IServiceCollection AddConfigurationCheck(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => SettingsSchema.From(
            [typeof(ConfigurationCheckOptions).Assembly],
            sp.GetRequiredService<Storage.StorageBackends>().All.ToDictionary(b => "Storage:" + b.Name, b => b.OptionsType)));
        services.AddSingleton(sp => new UnknownSettingsFinder(configuration, sp.GetRequiredService<SettingsSchema>()));
        services.AddValidatedOptions<ConfigurationCheckOptions, ConfigurationCheckOptionsValidator>(configuration, ConfigurationCheckOptions.SectionName);
        services.AddHostedService<UnknownSettingsWarning>();
        return services;
    }
}
