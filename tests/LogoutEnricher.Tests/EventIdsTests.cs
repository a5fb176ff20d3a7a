using System.Reflection;
using Microsoft.Extensions.Logging;

namespace LogoutEnricher.Tests;

/// <summary>
/// Operators alert on event ids (docs/operations.md "Log events"), so one id must mean one event across every product assembly,
/// the storage backends included, and every event must come from the one <c>EventIds</c> table.
/// </summary>
public sealed class EventIdsTests
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
    public void LoggerMessages_AcrossProductAssemblies_ShareNoEventId()
    {
        var shared = LoggerMessages()
            .GroupBy(message => message.Attribute.EventId)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(message => message.Where))}")
            .ToList();

        Assert.True(shared.Count == 0, "Event ids used by more than one [LoggerMessage]: " + string.Join("; ", shared));
    }

    [Fact]
    public void LoggerMessages_Everywhere_TakeIdAndNameFromTheEventIdsTable()
    {
        var table = Table();

        var strays = LoggerMessages()
            .Where(message => message.Attribute.EventName is not { Length: > 0 } name
                || !table.TryGetValue(name, out var id) || id != message.Attribute.EventId)
            .Select(message => $"{message.Where} (EventId {message.Attribute.EventId}, EventName '{message.Attribute.EventName}')")
            .ToList();

        Assert.NotEmpty(LoggerMessages());
        Assert.True(strays.Count == 0, "[LoggerMessage]s whose id and name are not an entry of EventIds: " + string.Join("; ", strays));
    }

    [Fact]
    public void EventIdsTable_IsOneTableInTheAssemblyEveryOtherReferences_WithDistinctIds()
    {
        var table = Table();
        var home = typeof(LogoutEnricher.Diagnostics.EventIds).Assembly;

        Assert.Equal(table.Count, table.Values.Distinct().Count());
        Assert.Equal("LogoutEnricher.Storage", home.GetName().Name);
        // No assembly carries a copy of its own (a linked source file would).
        Assert.All(ProductAssemblies().Where(a => a != home), a => Assert.Null(a.GetType("LogoutEnricher.Diagnostics.EventIds")));
        Assert.All(ProductAssemblies().Where(a => a != home), a => Assert.Contains(a.GetReferencedAssemblies(), r => r.Name == home.GetName().Name));
    }

    private static IEnumerable<Assembly> ProductAssemblies() => ProductAssemblyNames.Select(Assembly.Load);

    private static Dictionary<string, int> Table() =>
        typeof(LogoutEnricher.Diagnostics.EventIds)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral && field.FieldType == typeof(int))
            .ToDictionary(field => field.Name, field => (int)field.GetRawConstantValue()!);

    private static List<(LoggerMessageAttribute Attribute, string Where)> LoggerMessages() =>
        [.. from assembly in ProductAssemblies()
            from type in assembly.GetTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
            where attribute is not null
            select (attribute, $"{type.FullName}.{method.Name}")];
}
