using LogoutEnricher.Testing;

namespace LogoutEnricher.ProcessTests;

/// <summary>
/// A configuration mistake, as an operator meets it: the built process prints one block naming every key to change,
/// with the value found and an example, and exits with code 1; no stack trace, no unhandled exception.
/// </summary>
public sealed class StartupErrorTests
{
    private static readonly Dictionary<string, string> Valid = new()
    {
        ["LogoutEnricher__Upstream__BaseUrl"] = "http://127.0.0.1:1/",
        ["LogoutEnricher__Issuers__demo__Issuer"] = "http://127.0.0.1:1/realms/demo",
        ["LogoutEnricher__Issuers__demo__Clients__demo-app__LogoutUrl"] = "http://127.0.0.1:1/backchannel-logout",
    };

    [Fact]
    public async Task Startup_UnknownStorageProvider_ListsTheValidValuesAndExits1()
    {
        var result = await RunSidecarAsync(new() { ["LogoutEnricher__Storage__Provider"] = "Mongo" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("LogoutEnricher did not start: 1 configuration problem.", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("  LogoutEnricher:Storage:Provider\n", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("found:   'Mongo'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("one of Sqlite, Redis, PostgreSql", result.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task Startup_UnknownStorageProviderAndAMissingIssuer_ReportsBothAtOnce()
    {
        // A backend no one ships must not hide the other mistakes: the operator fixes everything in one round.
        var result = await RunSidecarAsync(new()
        {
            ["LogoutEnricher__Storage__Provider"] = "Mongo",
            ["LogoutEnricher__Issuers__demo__Issuer"] = "",
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("did not start: 2 configuration problems.", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("  LogoutEnricher:Storage:Provider\n", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("  LogoutEnricher:Issuers:demo:Issuer\n", result.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task Startup_MisspelledSettingWithUnknownSettingsFail_RefusesToStartNamingTheIntendedKey()
    {
        var result = await RunSidecarAsync(new()
        {
            ["LogoutEnricher__Storage__Provder"] = "Redis",
            ["LogoutEnricher__Configuration__UnknownSettings"] = "Fail",
        });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("  LogoutEnricher:Storage:Provder\n    problem: LogoutEnricher:Storage:Provder is not a setting of LogoutEnricher", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("did you mean LogoutEnricher:Storage:Provider?", result.StandardError, StringComparison.Ordinal);
        // A misspelled key might be a misspelled secret: its value is never echoed.
        Assert.DoesNotContain("Redis", result.StandardError.Replace("LogoutEnricher:Storage:Provider", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("(set, 5 characters, not shown)", result.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task Startup_SeveralMistakes_PrintsEachKeyOnceInOneBlockAndExits1()
    {
        var result = await RunSidecarAsync(new()
        {
            ["LogoutEnricher__Issuers__demo__Issuer"] = "",
            ["LogoutEnricher__Issuers__demo__Clients__demo-app__LogoutUrl"] = "not-a-url",
            ["LogoutEnricher__Delivery__Timeout"] = "-00:00:01",
        });

        Assert.Equal(1, result.ExitCode);
        var block = result.StandardError;
        Assert.Equal(1, Occurrences(block, "did not start"));
        Assert.Contains("did not start: 3 configuration problems.", block, StringComparison.Ordinal);
        Assert.Contains("  LogoutEnricher:Issuers:demo:Issuer\n    found:   missing (empty)\n", block, StringComparison.Ordinal);
        Assert.Contains("example: http://keycloak:8080/realms/demo\n", block, StringComparison.Ordinal);
        Assert.Contains("found:   'not-a-url'", block, StringComparison.Ordinal);
        Assert.Contains("env:     LogoutEnricher__Delivery__Timeout=", block, StringComparison.Ordinal);
        Assert.DoesNotContain(".;", block, StringComparison.Ordinal);
        Assert.DoesNotContain("is ''", block, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task Startup_FeatureSectionValidatedOnStart_ReportedWithoutTheHostsErrorLog()
    {
        var result = await RunSidecarAsync(new() { ["LogoutEnricher__Admin__Enabled"] = "true" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("  LogoutEnricher:Admin:Enabled\n", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", result.Output, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task Startup_SecretValueRejected_IsNeverEchoed()
    {
        var result = await RunSidecarAsync(new() { ["LogoutEnricher__Storage__EncryptionKey"] = "not-base64-secret-value" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("  LogoutEnricher:Storage:EncryptionKey\n", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("not-base64-secret-value", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoApp_MissingSettings_PrintsOneBlockAndExits1()
    {
        var result = await ExitedProcess.RunAsync(SidecarProcess.BuiltAssembly("samples/DemoApp", "DemoApp.dll"), new()
        {
            ["DemoApp__Authority"] = "http://127.0.0.1:1/realms/demo",
            ["DemoApp__ClientId"] = "demo-app",
        });

        Assert.Equal(1, result.ExitCode);
        // LogoutEnricherJwksUri is optional (the realm key set verifies enriched tokens), so two problems remain.
        Assert.Contains("DemoApp did not start: 2 configuration problems.", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("  DemoApp:ClientSecret\n    found:   missing\n", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("  DemoApp:TokenEndpoint\n", result.StandardError, StringComparison.Ordinal);
        AssertNoStackTrace(result);
    }

    private static Task<ExitedProcess> RunSidecarAsync(Dictionary<string, string> overrides)
    {
        var environment = new Dictionary<string, string>(Valid)
        {
            ["LogoutEnricher__Storage__Sqlite__Path"] = Path.Combine(Directory.CreateTempSubdirectory("logoutenricher-startup-").FullName, "le.db"),
        };
        foreach (var (key, value) in overrides)
        {
            environment[key] = value;
        }

        return ExitedProcess.RunAsync(SidecarProcess.SidecarAssembly(), environment);
    }

    private static void AssertNoStackTrace(ExitedProcess result)
    {
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception:", result.Output, StringComparison.Ordinal);
    }

    private static int Occurrences(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
}
