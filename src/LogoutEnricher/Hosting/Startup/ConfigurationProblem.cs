using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace LogoutEnricher.Hosting.Startup;

/// <summary>
/// One configuration mistake as an operator needs it: the key, what was found there, what to set, an example.
/// Built from a validator's message ("KEY is 'x': what to set, e.g. EXAMPLE.") or from a binder failure.
/// </summary>
/// <param name="Key">The configuration key to change, e.g. <c>LogoutEnricher:Storage:Provider</c>.</param>
/// <param name="Found">The value found (secrets hidden), or "missing".</param>
/// <param name="Problem">What is wrong, when the advice alone does not say it; or null.</param>
/// <param name="Advice">What to set.</param>
/// <param name="Example">An example value, or null.</param>
internal sealed partial record ConfigurationProblem(string Key, string Found, string? Problem, string Advice, string? Example)
{
    /// <summary>Reads a validator's message; the value found is taken from the configuration, not from the text.</summary>
    public static ConfigurationProblem FromMessage(string message, IConfiguration configuration)
    {
        var text = message.Trim();
        var split = text.IndexOf(": ", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var advice = split < 0 ? "" : text[(split + 2)..];

        // Note: a rule naming two keys ("Provider is Redis but Redis:Configuration is empty") is about the last one.
        var keys = KeyPattern().Matches(head);
        var key = keys.Count > 0 ? keys[^1].Value : KeyPattern().Match(text) is { Success: true } m ? m.Value : "(configuration)";

        string? example = null;
        var eg = advice.IndexOf("e.g. ", StringComparison.Ordinal);
        if (eg >= 0)
        {
            example = advice[(eg + 5)..].TrimEnd();
            // The sentence's full stop is not part of the example, an ellipsis is ("password=...." ends in both).
            var dots = example.Length - example.TrimEnd('.').Length;
            example = dots is 0 or 3 ? example : example[..^1];
            advice = advice[..eg].TrimEnd(',', ' ', ';');
        }

        // "KEY is 'value'" only repeats what the found line shows.
        var problem = OnlyRestatesValue().IsMatch(head) ? null : head;
        // Note: a misspelled key is not known to be a secret (EncryptionKy, ClientSecrt), so its value is never echoed.
        var found = head.Contains(" is not a setting", StringComparison.Ordinal) ? Hidden(configuration, key) : Describe(configuration, key);
        return new ConfigurationProblem(key, found, problem,
            advice.Length == 0 ? head : advice.TrimEnd('.'), example);
    }

    /// <summary>What the configuration holds at <paramref name="key"/>: the value, "missing", or a hint for sections.</summary>
    public static string Describe(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        if (section.Value is { } value)
        {
            if (value.Length == 0)
            {
                return "missing (empty)";
            }

            return IsSecret(key) ? $"(set, {value.Length} characters, not shown)" : $"'{value}'";
        }

        var children = section.GetChildren().Count();
        return children == 0 ? "missing" : $"a section with {children} entries";
    }

    private static string Hidden(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? $"(set, {value.Length} characters, not shown)" : Describe(configuration, key);

    /// <summary>Keys whose values are credentials: never echoed, not even in an error.</summary>
    private static bool IsSecret(string key) => SecretPattern().IsMatch(key);

    [GeneratedRegex(@"(?<![\w/])[A-Z][A-Za-z0-9]*(?::[A-Za-z0-9_\-\.]+)+(?<![\.\-])")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^\S+ is ('[^']*'|missing|empty)$")]
    private static partial Regex OnlyRestatesValue();

    [GeneratedRegex("(?i)(secret|password|token|encryptionkey$|connectionstring|redis:configuration$)")]
    private static partial Regex SecretPattern();
}
