using LogoutEnricher.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LogoutEnricher.Hosting.Durability;

/// <summary>Events 5400-5499 (storage durability checks).</summary>
internal static partial class DurabilityLog
{
    [LoggerMessage(EventId = EventIds.StorageDurabilityConfirmed, EventName = nameof(EventIds.StorageDurabilityConfirmed), Level = LogLevel.Information,
        Message = "Storage durability confirmed ({Settings}); a power loss can take: {Window}")]
    public static partial void StorageDurabilityConfirmed(ILogger logger, string settings, string window);

    [LoggerMessage(EventId = EventIds.StorageNotDurable, EventName = nameof(EventIds.StorageNotDurable), Level = LogLevel.Warning,
        Message = "STORAGE IS NOT DURABLE: {Setting}={Value}; acknowledged logouts and captures can be lost. {Advice} A power loss can take: {Window}")]
    public static partial void StorageNotDurable(ILogger logger, string setting, string value, string advice, string window);

    [LoggerMessage(EventId = EventIds.StorageDurabilityCheckFailed, EventName = nameof(EventIds.StorageDurabilityCheckFailed), Level = LogLevel.Warning,
        Message = "Storage durability could not be checked at startup ({ErrorMessage}); readiness checks it again")]
    public static partial void StorageDurabilityCheckFailed(ILogger logger, string errorMessage);

    [LoggerMessage(EventId = EventIds.StorageNotDurableRefused, EventName = nameof(EventIds.StorageNotDurableRefused), Level = LogLevel.Critical,
        Message = "Refusing to start: {Setting}={Value} acknowledges writes before they are durable. {Advice} To start anyway, set LogoutEnricher:Durability:AllowNotDurable=true.")]
    public static partial void StorageNotDurableRefused(ILogger logger, string setting, string value, string advice);
}
