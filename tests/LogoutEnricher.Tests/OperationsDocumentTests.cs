using System.Reflection;
using System.Text.RegularExpressions;
using LogoutEnricher.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LogoutEnricher.Tests;

/// <summary>
/// Operators alert on the event ids listed in docs/operations.md ("Log events"), so that table must be the code's
/// <see cref="EventIds"/> table: every event with its number and name, no row for an event that does not exist, and
/// the level each event is logged at.
/// </summary>
public sealed partial class OperationsDocumentTests
{
    private static readonly string[] ProductAssemblyNames =
    [
        "LogoutEnricher",
        "LogoutEnricher.Storage",
        "LogoutEnricher.Storage.Sqlite",
        "LogoutEnricher.Storage.Redis",
        "LogoutEnricher.Storage.PostgreSql",
    ];

    [Fact]
    public void LogEventTable_EveryEventIdsEntry_IsListedWithItsNumberAndName()
    {
        var rows = LogEventRows();

        var missing = EventIdTable()
            .Where(entry => !rows.Any(row => row.Id == entry.Value && row.Name == entry.Key))
            .Select(entry => $"{entry.Value} {entry.Key}")
            .ToList();

        Assert.True(missing.Count == 0, "docs/operations.md 'Log events' lacks these rows (id name): " + string.Join(", ", missing));
    }

    [Fact]
    public void LogEventTable_EveryRow_NamesAnEventThatExists()
    {
        var table = EventIdTable();

        var strays = LogEventRows()
            .Where(row => !table.TryGetValue(row.Name, out var id) || id != row.Id)
            .Select(row => $"{row.Id} {row.Name}")
            .ToList();

        Assert.True(strays.Count == 0, "docs/operations.md 'Log events' names events EventIds does not hold (id name): " + string.Join(", ", strays));
    }

    [Fact]
    public void LogEventTable_EveryRow_StatesTheLevelItsLoggerMessageUses()
    {
        var levels = LoggerMessageLevels();

        var wrong = LogEventRows()
            .Where(row => levels.TryGetValue(row.Id, out var level) && level.ToString() != row.Level)
            .Select(row => $"{row.Id} {row.Name}: the table says {row.Level}, the code logs {levels[row.Id]}")
            .ToList();

        Assert.True(wrong.Count == 0, "docs/operations.md 'Log events' states wrong levels: " + string.Join("; ", wrong));
    }

    [Fact]
    public void Readme_IsAFrontPage_OfAtMost200Lines()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "README.md"));

        Assert.InRange(lines.Length, 1, 200);
    }

    private static Dictionary<string, int> EventIdTable() =>
        typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral && field.FieldType == typeof(int))
            .ToDictionary(field => field.Name, field => (int)field.GetRawConstantValue()!);

    /// <summary>The level of each <c>[LoggerMessage]</c> by event id; events logged otherwise are not in it.</summary>
    private static Dictionary<int, LogLevel> LoggerMessageLevels() =>
        (from assembly in ProductAssemblyNames.Select(Assembly.Load)
         from type in assembly.GetTypes()
         from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
         let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
         where attribute is not null && attribute.Level != LogLevel.None
         select attribute)
        .GroupBy(attribute => attribute.EventId)
        .ToDictionary(group => group.Key, group => group.First().Level);

    /// <summary>The rows of the table under the "Log events" heading: <c>| id | name | level | meaning |</c>.</summary>
    private static List<(int Id, string Name, string Level)> LogEventRows()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "operations.md"));
        var heading = Array.FindIndex(lines, line => line.Trim() == "## Log events");
        Assert.True(heading >= 0, "docs/operations.md has no '## Log events' heading");
        var header = Array.FindIndex(lines, heading, line => line.StartsWith("| id | name | level |", StringComparison.Ordinal));
        Assert.True(header >= 0, "docs/operations.md 'Log events' has no '| id | name | level | meaning |' table");

        var rows = new List<(int, string, string)>();
        foreach (var line in lines.Skip(header + 2).TakeWhile(line => line.StartsWith('|')))
        {
            var match = Row().Match(line);
            Assert.True(match.Success, $"docs/operations.md 'Log events': a row must start with '| <number> | <Name> | <Level> |': {line}");
            rows.Add((int.Parse(match.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["name"].Value, match.Groups["level"].Value));
        }

        Assert.NotEmpty(rows);
        return rows;
    }


    [GeneratedRegex(@"^\|\s*(?<id>\d+)\s*\|\s*(?<name>[A-Za-z0-9]+)\s*\|\s*(?<level>[A-Za-z]+)\s*\|")]
    private static partial Regex Row();
}
