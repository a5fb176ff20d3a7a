using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting;

/// <summary>Rules that several features' options validators share, with messages that name the key to change.</summary>
internal static class OptionsRules
{
    /// <summary>The root configuration section; every feature binds a section beneath it.</summary>
    public const string Root = "LogoutEnricher";

    public static void RequirePositive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{key} is {value}: it must be positive.");
        }
    }

    public static ValidateOptionsResult ToResult(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}

internal static class ValidatedOptionsServiceCollectionExtensions
{
    /// <summary>Binds <typeparamref name="TOptions"/> to one configuration section and checks it at startup.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }
}
