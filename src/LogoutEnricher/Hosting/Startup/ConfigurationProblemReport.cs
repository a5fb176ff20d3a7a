using System.Text;

namespace LogoutEnricher.Hosting.Startup;

/// <summary>The one block a configuration mistake prints: every problem, each with its key, value, advice and example.</summary>
internal static class ConfigurationProblemReport
{
    public static string Render(string product, IReadOnlyList<ConfigurationProblem> problems)
    {
        var text = new StringBuilder();
        text.Append(product).Append(" did not start: ")
            .Append(problems.Count == 1 ? "1 configuration problem" : $"{problems.Count} configuration problems").AppendLine(".");
        foreach (var problem in problems)
        {
            text.AppendLine();
            text.Append("  ").AppendLine(problem.Key);
            if (problem.Problem is { } what)
            {
                text.Append("    problem: ").AppendLine(what);
            }

            text.Append("    found:   ").AppendLine(problem.Found);
            text.Append("    fix:     ").AppendLine(problem.Advice);
            if (problem.Example is { } example)
            {
                text.Append("    example: ").AppendLine(example);
            }

            if (!problem.Key.StartsWith('('))
            {
                text.Append("    env:     ").Append(problem.Key.Replace(":", "__", StringComparison.Ordinal)).AppendLine("=...");
            }
        }

        text.AppendLine();
        text.AppendLine("Settings come from appsettings.json, environment variables (':' becomes '__') and the command line (--Key=value).");
        return text.ToString();
    }
}
