using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace LogoutEnricher.Hosting;

public static class LoggingExtensions
{
    /// <summary>
    /// Serilog, configured from the <c>Serilog</c> section; readable text on the console, or JSON lines when
    /// <c>LogoutEnricher:Logging:ConsoleFormat</c> is <c>Json</c> (see <see cref="ConsoleLogOptions"/>).
    /// </summary>
    public static WebApplicationBuilder AddLogoutEnricherLogging(this WebApplicationBuilder builder)
    {
        // Note: read here, before the container exists; an unknown value fails the binder and is reported with the
        // valid ones like any other configuration mistake.
        var console = builder.Configuration.GetSection(ConsoleLogOptions.SectionName).Get<ConsoleLogOptions>() ?? new ConsoleLogOptions();

        // Note: preserveStaticLogger keeps each host's pipeline its own; without it every host in a process (tests,
        // benchmarks) would write through the last-created global Log.Logger.
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                .MinimumLevel.Override("Yarp", LogEventLevel.Warning)
                // Note: the health check service logs an Error on every unhealthy probe; ReadinessTransitions logs
                // each check's changes instead, with the reason.
                .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks", LogEventLevel.Fatal)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();
            if (console.ConsoleFormat == ConsoleLogFormat.Json)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console();
            }
        }, preserveStaticLogger: true);
        return builder;
    }
}
