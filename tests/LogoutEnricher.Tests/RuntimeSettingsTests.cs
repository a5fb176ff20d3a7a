namespace LogoutEnricher.Tests;

/// <summary>The runtime settings the sidecar's memory figures depend on, as its build writes them for the runtime.</summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    [InlineData("System.Runtime.TieredPGO", false)]
    [InlineData("System.GC.Server", false)]
    public void TheSidecarsRuntimeConfiguration_Sets(string name, bool expected)
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "LogoutEnricher.runtimeconfig.json")));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty(name, out var value), $"{name} is not set");
        Assert.Equal(expected, value.GetBoolean());
    }
}
