using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests;

/// <summary>A misspelled setting is not silently ignored: the replica says which key it ignored and what was meant.</summary>
public sealed class UnknownSettingsTests
{
    [Fact]
    public async Task Startup_MisspelledSettings_LogsEachWithTheNearestValidKey()
    {
        await using var env = await TestEnvironment.StartAsync(settings =>
        {
            settings["LogoutEnricher:Delivry:Timeout"] = "00:00:02";
            settings["LogoutEnricher:Storage:Provder"] = "Sqlite";
            settings["Storage:PurgeInterval"] = "00:10:00";
        });

        var warnings = env.Logs.Events.Where(e => e.EventIdOf() == 10030).Select(e => (Key: Text(e, "Key"), Suggestion: Text(e, "Suggestion"))).ToList();

        Assert.Contains(("LogoutEnricher:Delivry:Timeout", "LogoutEnricher:Delivery:Timeout"), warnings);
        Assert.Contains(("LogoutEnricher:Storage:Provder", "LogoutEnricher:Storage:Provider"), warnings);
        Assert.Contains(("Storage:PurgeInterval", "LogoutEnricher:Storage:PurgeInterval"), warnings);
        Assert.All(env.Logs.Events.Where(e => e.EventIdOf() == 10030), e => Assert.Equal(LogEventLevel.Warning, e.Level));
    }

    [Fact]
    public async Task Startup_ValidSettingsOnly_LogsNoUnknownSetting()
    {
        await using var env = await TestEnvironment.StartAsync();

        Assert.DoesNotContain(env.Logs.Events, e => e.EventIdOf() == 10030);
    }

    private static string? Text(LogEvent e, string property) => e.Properties.TryGetValue(property, out var value) && value is ScalarValue { Value: string s } ? s : null;
}
