using Serilog.Events;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

internal static class LogEventIds
{
    /// <summary>The event id a <c>[LoggerMessage]</c> gave the event (Serilog keeps it as a structure), or 0.</summary>
    public static int EventIdOf(this LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("EventId", out var id) && id is StructureValue s
        && s.Properties.FirstOrDefault(p => p.Name == "Id")?.Value is ScalarValue { Value: int value } ? value : 0;
}
