using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace LogoutEnricher.Hosting;

public static class LoggingExtensions
{
    /// <summary>
    /// Serilog, configured from the <c>Serilog</c> section; JSON lines when the output is not a terminal (containers,
    /// log shippers), readable text when it is.
    /// </summary>
    public static WebApplicationBuilder AddLogoutEnricherLogging(this WebApplicationBuilder builder)
    {
        // Note: preserveStaticLogger keeps each host's pipeline its own; without it every host in a process (tests,
        // benchmarks) would write through the last-created global Log.Logger.
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
                .MinimumLevel.Override("Yarp", LogEventLevel.Warning)
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();
            if (Console.IsOutputRedirected)
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
