using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.Startup;

/// <summary>
/// Runs a host so that a configuration mistake ends it the way an operator can act on: every problem printed once as
/// one block on standard error, exit code 1, no stack trace. Any other exception propagates unchanged (a bug should
/// still show where it is). Shared with the DemoApp as a linked source file, so it depends on nothing of LogoutEnricher.
/// </summary>
internal static class StartupGuard
{
    public const int ConfigurationExitCode = 1;

    /// <summary>
    /// Note: only a process of its own reports and exits; a test host (WebApplicationFactory runs <c>Program</c> inside
    /// the test process, whose entry assembly is the test project) gets the exception, as it did before.
    /// </summary>
    private static bool IsProcessEntryPoint => Assembly.GetEntryAssembly() == typeof(StartupGuard).Assembly;

    /// <param name="product">The name the block starts with.</param>
    /// <param name="configuration">Where the values reported as "found" are read (asked only after a failure).</param>
    /// <param name="build">Builds the host (binding and validation failures may already surface here).</param>
    public static int Run(string product, Func<IConfiguration> configuration, Func<IHost> build)
    {
        try
        {
            var host = build();

            // Note: ValidateOnStart would run inside StartAsync, which logs the failure with its stack trace before
            // rethrowing it; validating first keeps the report to the one block below.
            host.Services.GetService<IStartupValidator>()?.Validate();
            host.Run();
            return 0;
        }
        catch (Exception exception) when (IsProcessEntryPoint && ConfigurationProblems.From(exception, configuration()) is { } problems)
        {
            Console.Error.Write(ConfigurationProblemReport.Render(product, problems));
            Console.Error.Flush();
            return ConfigurationExitCode;
        }
    }
}
