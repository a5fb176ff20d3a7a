namespace LogoutEnricher.Hosting;

/// <summary>How log events are written to standard output.</summary>
public enum ConsoleLogFormat
{
    /// <summary>One readable line per event: <c>[10:12:01 INF] Logout delivered ...</c>.</summary>
    Plain,

    /// <summary>One compact JSON object per line (Serilog's rendered compact format), for log shippers in containers.</summary>
    Json,
}

/// <summary>Console logging, bound from <c>LogoutEnricher:Logging</c>.</summary>
public sealed class ConsoleLogOptions
{
    public const string SectionName = "LogoutEnricher:Logging";

    /// <summary>
    /// <c>Plain</c> or <c>Json</c>. Default: <c>Plain</c>, also when the output is piped: the format never changes by
    /// itself. Containers feeding a log shipper set <c>LogoutEnricher__Logging__ConsoleFormat=Json</c>.
    /// </summary>
    public ConsoleLogFormat ConsoleFormat { get; set; } = ConsoleLogFormat.Plain;
}
