using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.Startup;

/// <summary>
/// Turns the exceptions that configuration mistakes raise at startup (validators' <see cref="OptionsValidationException"/>,
/// the binder's conversion failures) into <see cref="ConfigurationProblem"/>s; any other exception is not one.
/// </summary>
internal static partial class ConfigurationProblems
{
    public static IReadOnlyList<ConfigurationProblem>? From(Exception exception, IConfiguration configuration)
    {
        var problems = new List<ConfigurationProblem>();
        return Collect(exception, configuration, problems) && problems.Count > 0
            ? problems.DistinctBy(p => (p.Key, p.Advice)).ToList()
            : null;
    }

    private static bool Collect(Exception exception, IConfiguration configuration, List<ConfigurationProblem> problems)
    {
        switch (exception)
        {
            case OptionsValidationException validation:
                problems.AddRange(validation.Failures.Select(f => ConfigurationProblem.FromMessage(f, configuration)));
                return true;
            case AggregateException aggregate:
                return aggregate.InnerExceptions.All(inner => Collect(inner, configuration, problems));
            case InvalidOperationException when BinderFailure().Match(exception.Message) is { Success: true } match:
                problems.Add(FromBinder(match.Groups["key"].Value, match.Groups["type"].Value, configuration));
                return true;
            default:
                return exception.InnerException is { } inner && exception is TargetInvocationException or TypeInitializationException
                    && Collect(inner, configuration, problems);
        }
    }

    /// <summary>A value the binder could not convert: say which values the setting takes.</summary>
    private static ConfigurationProblem FromBinder(string key, string typeName, IConfiguration configuration)
    {
        var type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        var (advice, example) = type switch
        {
            { IsEnum: true } => ("one of " + string.Join(", ", Enum.GetNames(type)), Enum.GetNames(type)[0]),
            _ when type == typeof(TimeSpan) => ("a duration as [d.]hh:mm:ss", "00:00:30"),
            _ when type == typeof(bool) => ("true or false", "true"),
            _ when type == typeof(int) || type == typeof(long) => ("a whole number", "10"),
            _ when type == typeof(Uri) => ("an absolute URL", "http://localhost:8080/"),
            _ => ($"a value of type {type?.Name ?? typeName}", null),
        };
        return new ConfigurationProblem(key, ConfigurationProblem.Describe(configuration, key), "this value cannot be read", advice, example);
    }

    [GeneratedRegex("Failed to convert configuration value (?:'.*' )?at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex BinderFailure();
}
